-- Up Migration

-- The Google mailbox (Gmail + Calendar) each tenant connected through OAuth. The refresh token is
-- a Fernet token under ENCRYPTION_KEY (src/providers/google/refresh-token-vault.ts), never plain.
CREATE TABLE google_accounts (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  email text NOT NULL,
  refresh_token_ciphertext text NOT NULL,
  scopes text[] NOT NULL DEFAULT '{}',
  -- reauth_required once Google refuses the grant (revoked, expired, scopes removed).
  status text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'reauth_required')),
  status_detail text,
  connected_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- A Pub/Sub push names only the mailbox: one mailbox belongs to one tenant.
CREATE UNIQUE INDEX google_accounts_email_key ON google_accounts (lower(email));

ALTER TABLE google_accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON google_accounts
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON google_accounts TO frontdesk_app;

-- The Gmail webhook arrives before any tenant is known; this answers only "which tenant owns this
-- mailbox", running as the table owner so RLS does not hide the row, and reveals nothing else.
CREATE FUNCTION tenant_for_google_mailbox(mailbox text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT tenant_id FROM google_accounts WHERE lower(email) = lower(mailbox) $$;
REVOKE ALL ON FUNCTION tenant_for_google_mailbox(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_for_google_mailbox(text) TO frontdesk_app;

-- Down Migration
DROP FUNCTION tenant_for_google_mailbox(text);
DROP TABLE google_accounts;
