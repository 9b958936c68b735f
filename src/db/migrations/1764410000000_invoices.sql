-- Up Migration

-- A business's own reminder schedule (offsets in days from the due date); NULL means the default.
ALTER TABLE tenants ADD COLUMN reminder_schedule_days integer[];

CREATE TABLE invoices (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  currency text NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
  due_date date NOT NULL,
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  channels text[] NOT NULL CHECK (channels <@ ARRAY['email', 'sms']::text[] AND cardinality(channels) > 0),
  schedule_days integer[] NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'void', 'uncollectible')),
  -- Set once the last reminder went out unpaid (the owner is told once).
  overdue_at timestamptz,
  payment_url text,
  stripe_checkout_session_id text,
  stripe_payment_intent_id text,
  paid_at timestamptz,
  paid_method text CHECK (paid_method IN ('stripe', 'cash', 'check', 'bank', 'other')),
  paid_note text,
  refunded_cents integer NOT NULL DEFAULT 0,
  disputed_at timestamptz,
  workflow_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- A client with invoices cannot be deleted out from under them.
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE RESTRICT,
  CONSTRAINT invoices_tenant_id_id_key UNIQUE (tenant_id, id)
);
CREATE INDEX invoices_tenant_status_idx ON invoices (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX invoices_tenant_created_idx ON invoices (tenant_id, created_at DESC, id DESC);
CREATE INDEX invoices_payment_intent_idx ON invoices (tenant_id, stripe_payment_intent_id);

-- Every reminder the workflow sent, or decided not to send, per step and channel.
CREATE TABLE invoice_reminders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  invoice_id uuid NOT NULL,
  step integer NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'skipped', 'cancelled', 'opted_out')),
  email_id uuid,
  sms_sid text,
  detail text,
  at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (invoice_id, step, channel),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX invoice_reminders_invoice_idx ON invoice_reminders (tenant_id, invoice_id, at);

-- Stripe delivers webhooks at least once: the event id, inserted in the same transaction as the
-- event's effect, makes every repeat a no-op.
CREATE TABLE stripe_events (
  event_id text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  type text NOT NULL,
  invoice_id uuid,
  outcome text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE invoice_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invoices
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON invoice_reminders
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON stripe_events
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE ON invoices TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE ON invoice_reminders TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE ON stripe_events TO frontdesk_app;

-- Refunds and disputes name only the PaymentIntent, with no tenant in their metadata: this answers
-- "which tenant's invoice did it pay" and nothing else, as the table owner (RLS would hide the row
-- before any tenant is known).
CREATE FUNCTION tenant_for_payment_intent(p_payment_intent text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT tenant_id FROM invoices WHERE stripe_payment_intent_id = p_payment_intent LIMIT 1 $$;
REVOKE ALL ON FUNCTION tenant_for_payment_intent(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_for_payment_intent(text) TO frontdesk_app;

-- Down Migration
DROP FUNCTION tenant_for_payment_intent(text);
DROP TABLE stripe_events;
DROP TABLE invoice_reminders;
DROP TABLE invoices;
ALTER TABLE tenants DROP COLUMN reminder_schedule_days;
