-- Up Migration

-- The outbox: one row per email, the truth about where its delivery stands. Its workflow
-- (emailDelivery, id email:<tenant>:<email>) moves the status; the API only reads it.
CREATE TABLE emails (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  purpose text NOT NULL DEFAULT 'api' CHECK (purpose IN ('api', 'test', 'invoice_reminder', 'owner_alert')),
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  client_id uuid,
  thread_id text,
  in_reply_to text,
  "references" text,
  -- RFC 5322 Message-ID, derived from the id: how a retry finds out whether a send went through.
  message_id text NOT NULL UNIQUE,
  -- A condition re-checked right before each send (e.g. the invoice is still open).
  guard jsonb,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  gmail_message_id text,
  gmail_thread_id text,
  workflow_id text NOT NULL,
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX emails_tenant_status_idx ON emails (tenant_id, status, created_at DESC, id DESC);
CREATE INDEX emails_tenant_created_idx ON emails (tenant_id, created_at DESC, id DESC);

ALTER TABLE emails ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON emails
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON emails TO frontdesk_app;

-- Down Migration
DROP TABLE emails;
