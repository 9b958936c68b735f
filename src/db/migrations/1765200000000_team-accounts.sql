-- Up Migration

-- Team accounts. A user who signs in only by SSO (an invitation accepted through the issuer) has
-- no password: its hash is null and a password login for it fails like a wrong password.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

-- An owner can require SSO: password login then refuses every user of the tenant but its owners
-- (kept for recovery when the issuer is out of reach).
ALTER TABLE tenants ADD COLUMN sso_required boolean NOT NULL DEFAULT false;

-- Invitations: the emailed link carries `<tenant id>.<secret>`; only a SHA-256 of it is stored.
-- A pending invitation is neither accepted nor revoked and not yet expired.
CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'staff')),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  invited_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_user_id uuid,
  revoked_at timestamptz
);
CREATE INDEX invitations_tenant_created_idx ON invitations (tenant_id, created_at, id);
CREATE INDEX invitations_email_idx ON invitations (lower(email));
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON invitations TO frontdesk_app;

-- SSO answers an email only: the tenant of the newest pending invitation for it, so the callback
-- can open that tenant's transaction (the same narrow shape as auth_tenant_for_email).
CREATE FUNCTION auth_tenant_for_invited_email(p_email text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$
    SELECT i.tenant_id FROM public.invitations i
     WHERE lower(i.email) = lower(p_email)
       AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
     ORDER BY i.created_at DESC
     LIMIT 1
  $$;
REVOKE ALL ON FUNCTION auth_tenant_for_invited_email(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_tenant_for_invited_email(text) TO frontdesk_app;

ALTER TABLE emails DROP CONSTRAINT emails_purpose_check;
ALTER TABLE emails ADD CONSTRAINT emails_purpose_check
  CHECK (purpose IN ('api', 'test', 'invoice_reminder', 'owner_alert', 'booking_message', 'invitation'));

-- Down Migration
DELETE FROM emails WHERE purpose = 'invitation';
ALTER TABLE emails DROP CONSTRAINT emails_purpose_check;
ALTER TABLE emails ADD CONSTRAINT emails_purpose_check
  CHECK (purpose IN ('api', 'test', 'invoice_reminder', 'owner_alert', 'booking_message'));
DROP FUNCTION auth_tenant_for_invited_email(text);
DROP TABLE invitations;
ALTER TABLE tenants DROP COLUMN sso_required;
DELETE FROM users WHERE password_hash IS NULL;
ALTER TABLE users ALTER COLUMN password_hash SET NOT NULL;
