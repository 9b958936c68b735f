-- Up Migration

-- The booking workflow writes its confirmations, reminders and notices of a move into the email
-- outbox like every other email, under a purpose of their own (guarded: sent only while the
-- booking is still confirmed at the time the message is about).
ALTER TABLE emails DROP CONSTRAINT emails_purpose_check;
ALTER TABLE emails ADD CONSTRAINT emails_purpose_check
  CHECK (purpose IN ('api', 'test', 'invoice_reminder', 'owner_alert', 'booking_message'));

-- Down Migration
DELETE FROM emails WHERE purpose = 'booking_message';
ALTER TABLE emails DROP CONSTRAINT emails_purpose_check;
ALTER TABLE emails ADD CONSTRAINT emails_purpose_check CHECK (purpose IN ('api', 'test', 'invoice_reminder', 'owner_alert'));
