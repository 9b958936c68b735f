-- Up Migration

-- Stripe events are applied by a stripeEvent workflow (one per event id) instead of inside the
-- webhook request. The claim row stays the dedupe that outlives Temporal's retention; it now also
-- says which workflow claimed it, so a retry of that workflow's activity (its first try committed
-- but the answer was lost) is told apart from another delivery of the event: the retry still
-- signals the invoice's reminders and delivers the owner alert it queued (alert_email_id).
ALTER TABLE stripe_events ADD COLUMN workflow_id text;
ALTER TABLE stripe_events ADD COLUMN alert_email_id uuid;

-- Down Migration
ALTER TABLE stripe_events DROP COLUMN alert_email_id;
ALTER TABLE stripe_events DROP COLUMN workflow_id;
