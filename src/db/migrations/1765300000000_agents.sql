-- Up Migration

-- The reply agent: each tenant's settings (the business profile the model is given) and the
-- drafts it writes, one row per draft, with what the model was and which tools it called, so a
-- person sees why a draft says what it says before sending it.
CREATE TABLE agent_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  enabled boolean NOT NULL DEFAULT true,
  auto_send text NOT NULL DEFAULT 'off' CHECK (auto_send IN ('off', 'safe_only')),
  draft_ttl_hours integer NOT NULL DEFAULT 48 CHECK (draft_ttl_hours BETWEEN 1 AND 720),
  business_profile jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_drafts (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  thread_id uuid NOT NULL,
  message_id uuid NOT NULL,
  client_id uuid,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'rejected', 'superseded', 'expired')),
  text text NOT NULL,
  provider text NOT NULL CHECK (provider IN ('anthropic', 'openai')),
  model text NOT NULL,
  input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  fallback boolean NOT NULL DEFAULT false,
  tool_calls jsonb NOT NULL DEFAULT '[]'::jsonb,
  email_id uuid,
  decided_by uuid,
  decided_at timestamptz,
  reject_reason text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_drafts_list_idx ON agent_drafts (tenant_id, created_at DESC, id DESC);
CREATE INDEX agent_drafts_thread_idx ON agent_drafts (tenant_id, thread_id);

ALTER TABLE agent_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_drafts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_settings
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON agent_drafts
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON agent_settings TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE ON agent_drafts TO frontdesk_app;

-- An approved draft is sent through the outbox as a threaded reply. 'invitation' is the team
-- accounts' purpose (migration 1765200000000), kept here so this runs after it whichever branch lands first.
ALTER TABLE emails DROP CONSTRAINT emails_purpose_check;
ALTER TABLE emails ADD CONSTRAINT emails_purpose_check
  CHECK (purpose IN ('api', 'test', 'invoice_reminder', 'owner_alert', 'booking_message', 'invitation', 'agent_reply'));

-- Down Migration
DELETE FROM emails WHERE purpose = 'agent_reply';
ALTER TABLE emails DROP CONSTRAINT emails_purpose_check;
ALTER TABLE emails ADD CONSTRAINT emails_purpose_check
  CHECK (purpose IN ('api', 'test', 'invoice_reminder', 'owner_alert', 'booking_message', 'invitation'));
DROP TABLE agent_drafts;
DROP TABLE agent_settings;
