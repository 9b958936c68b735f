-- Up Migration

-- SMS, both ways. Outbound rows are the outbox of POST /api/sms: each is sent by its own
-- smsDelivery workflow (id sms:<tenant>:<sms>), which moves the status; Twilio's status callbacks
-- then move it on to delivered or undelivered. Inbound rows are texts clients sent to our number,
-- kept per tenant that has a client with the sender's number (consent keywords act on them).
CREATE TABLE sms_messages (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  client_id uuid,
  to_number text NOT NULL,
  from_number text,
  body text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'received')),
  -- For inbound texts: the consent keyword it carried (stop, start, help), if any.
  keyword text CHECK (keyword IN ('stop', 'start', 'help')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  twilio_sid text,
  workflow_id text,
  sent_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((direction = 'outbound') = (workflow_id IS NOT NULL))
);
CREATE INDEX sms_messages_tenant_created_idx ON sms_messages (tenant_id, created_at DESC, id DESC);
CREATE INDEX sms_messages_tenant_status_idx ON sms_messages (tenant_id, status, created_at DESC, id DESC);
-- One inbound text is stored once per tenant, however often Twilio redelivers it.
CREATE UNIQUE INDEX sms_messages_tenant_sid_key ON sms_messages (tenant_id, twilio_sid) WHERE twilio_sid IS NOT NULL;

ALTER TABLE sms_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_messages
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON sms_messages TO frontdesk_app;

-- Where a reminder text stands after Twilio took it (its status callbacks).
ALTER TABLE invoice_reminders
  ADD COLUMN delivery_status text CHECK (delivery_status IN ('sent', 'delivered', 'undelivered', 'failed')),
  ADD COLUMN delivery_error text;
CREATE INDEX invoice_reminders_sms_sid_idx ON invoice_reminders (sms_sid) WHERE sms_sid IS NOT NULL;

-- Twilio's webhooks carry no tenant of ours: a status callback names a message SID, an inbound
-- text a phone number. These two lookups (and nothing more) see across tenants, so the webhook
-- can then work inside the right tenant's transaction.
CREATE FUNCTION tenant_for_sms_sid(p_sid text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT tenant_id FROM (
      SELECT tenant_id FROM sms_messages WHERE twilio_sid = p_sid AND direction = 'outbound'
      UNION ALL
      SELECT tenant_id FROM invoice_reminders WHERE sms_sid = p_sid
    ) found LIMIT 1
  $$;
REVOKE ALL ON FUNCTION tenant_for_sms_sid(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_for_sms_sid(text) TO frontdesk_app;

CREATE FUNCTION tenants_with_client_phone(p_phone text) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT tenant_id FROM clients WHERE phone = p_phone $$;
REVOKE ALL ON FUNCTION tenants_with_client_phone(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenants_with_client_phone(text) TO frontdesk_app;
CREATE INDEX clients_phone_idx ON clients (phone) WHERE phone IS NOT NULL;

-- Down Migration
DROP INDEX clients_phone_idx;
DROP FUNCTION tenants_with_client_phone(text);
DROP FUNCTION tenant_for_sms_sid(text);
DROP INDEX invoice_reminders_sms_sid_idx;
ALTER TABLE invoice_reminders DROP COLUMN delivery_error, DROP COLUMN delivery_status;
DROP TABLE sms_messages;
