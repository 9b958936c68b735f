-- Up Migration

-- Lets later tables reference a user *of the same tenant* with a composite foreign key.
ALTER TABLE users ADD CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id);

-- Login takes only an email, so the API must learn which tenant's transaction to open before it
-- can see the user. This function answers exactly that and nothing else; it runs as its owner (the
-- migration role, which owns users and so is not subject to RLS), and only frontdesk_app may call it.
CREATE FUNCTION auth_tenant_for_email(p_email text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$ SELECT u.tenant_id FROM public.users u WHERE lower(u.email) = lower(p_email) $$;
REVOKE ALL ON FUNCTION auth_tenant_for_email(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_tenant_for_email(text) TO frontdesk_app;

-- Refresh tokens: only a SHA-256 of the token is stored. Every login starts a family; each
-- refresh spends one token and issues the next in the same family, so presenting a spent token
-- (a stolen copy being replayed) lets us revoke the whole family.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  family_id uuid NOT NULL,
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  spent_at timestamptz,
  revoked_at timestamptz,
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (tenant_id, family_id);

CREATE TABLE clients (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text CHECK (email IS NULL OR length(email) <= 254),
  phone text CHECK (phone IS NULL OR phone ~ '^\+[1-9][0-9]{6,14}$'),
  timezone text CHECK (timezone IS NULL OR length(timezone) <= 64),
  notes text CHECK (notes IS NULL OR length(notes) <= 10000),
  sms_consent boolean NOT NULL DEFAULT false,
  sms_consent_at timestamptz,
  sms_consent_source text CHECK (sms_consent_source IS NULL OR length(sms_consent_source) <= 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Invoices, messages and bookings reference (tenant_id, client_id): a row can never point at
  -- another tenant's client.
  CONSTRAINT clients_tenant_id_id_key UNIQUE (tenant_id, id)
);
CREATE INDEX clients_tenant_name_idx ON clients (tenant_id, lower(name), id);
-- Inbound SMS finds its client by number.
CREATE INDEX clients_tenant_phone_idx ON clients (tenant_id, phone);

-- Idempotency-Key: the first successful response of a creating POST, per tenant. The row is
-- written in the same transaction as what the request created, so both exist or neither does.
CREATE TABLE idempotency_keys (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash text NOT NULL,
  response_status integer,
  response_body jsonb,
  response_location text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_tenant_created_idx ON idempotency_keys (tenant_id, created_at);

ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON refresh_tokens
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON clients
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON idempotency_keys
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

GRANT SELECT, INSERT, UPDATE ON refresh_tokens TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON clients TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO frontdesk_app;

-- rate-limiter-flexible's RateLimiterPostgres table (its own layout), shared by every web
-- instance. It holds counters keyed by IP, tenant id or a hash of an email, no tenant rows, so it
-- has no RLS policy.
CREATE TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO frontdesk_app;

-- Down Migration
DROP TABLE rate_limits;
DROP TABLE idempotency_keys;
DROP TABLE clients;
DROP TABLE refresh_tokens;
DROP FUNCTION auth_tenant_for_email(text);
ALTER TABLE users DROP CONSTRAINT users_tenant_id_id_key;
