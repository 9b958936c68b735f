-- Up Migration

-- The connected mailbox (google_accounts) gains what watching and syncing it needs. `id` names the
-- mailbox in workflow ids and search attributes (never the address); it changes when the tenant
-- connects another address, so the workflows of the old mailbox see they are stale and end.
ALTER TABLE google_accounts
  ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
  -- users.watch: the history id it answered and when Gmail stops pushing unless renewed.
  ADD COLUMN watch_history_id text CHECK (watch_history_id ~ '^[0-9]+$'),
  ADD COLUMN watch_expires_at timestamptz,
  ADD COLUMN watch_renewed_at timestamptz,
  -- The sync cursor: everything up to this history id is stored. NULL until the first full sync.
  -- Moved only after the messages it covers are committed, so a crash re-reads instead of losing.
  ADD COLUMN sync_history_id text CHECK (sync_history_id ~ '^[0-9]+$'),
  ADD COLUMN last_synced_at timestamptz,
  ADD COLUMN last_sync_error text;
ALTER TABLE google_accounts ADD CONSTRAINT google_accounts_id_key UNIQUE (id);

-- Connect links are signed (jose) and single use: the nonce of each one redeemed is kept here
-- until it would have expired anyway.
CREATE TABLE gmail_oauth_states (
  nonce text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  redeemed_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE gmail_oauth_states ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gmail_oauth_states
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, DELETE ON gmail_oauth_states TO frontdesk_app;

-- One row per Gmail thread that has inbound mail. `unsafe` and `auto_reply_paused` belong to the
-- guardian (it flags threads and stops automatic replies on them); the sync only creates rows.
CREATE TABLE threads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  mailbox_id uuid NOT NULL,
  gmail_thread_id text NOT NULL,
  subject text NOT NULL DEFAULT '',
  client_id uuid,
  message_count integer NOT NULL DEFAULT 0,
  last_message_at timestamptz NOT NULL,
  last_from text,
  last_snippet text NOT NULL DEFAULT '',
  unsafe boolean NOT NULL DEFAULT false,
  auto_reply_paused boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Pub/Sub repeats and sync passes overlap: the Gmail id makes a second store a no-op.
  CONSTRAINT threads_mailbox_gmail_thread_key UNIQUE (tenant_id, mailbox_id, gmail_thread_id),
  CONSTRAINT threads_tenant_id_id_key UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE SET NULL (client_id)
);
CREATE INDEX threads_tenant_recent_idx ON threads (tenant_id, last_message_at DESC, id DESC);
CREATE INDEX threads_tenant_unsafe_idx ON threads (tenant_id, last_message_at DESC, id DESC) WHERE unsafe;

ALTER TABLE threads ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON threads
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON threads TO frontdesk_app;

-- Inbound messages: tenant data (bodies included), behind RLS like every tenant table.
CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  thread_id uuid NOT NULL,
  mailbox_id uuid NOT NULL,
  gmail_message_id text NOT NULL,
  gmail_thread_id text NOT NULL,
  -- RFC 5322 headers: how replies are threaded (In-Reply-To/References of our answers).
  rfc_message_id text,
  in_reply_to text,
  "references" text,
  from_header text NOT NULL DEFAULT '',
  from_email text,
  from_name text,
  to_header text NOT NULL DEFAULT '',
  cc_header text,
  subject text NOT NULL DEFAULT '',
  -- The Date header as the sender wrote it (may be absent or wrong); received_at is Gmail's own.
  sent_at timestamptz,
  received_at timestamptz NOT NULL,
  snippet text NOT NULL DEFAULT '',
  body_text text,
  label_ids text[] NOT NULL DEFAULT '{}',
  history_id text,
  client_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_mailbox_gmail_message_key UNIQUE (tenant_id, mailbox_id, gmail_message_id),
  FOREIGN KEY (tenant_id, thread_id) REFERENCES threads (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE SET NULL (client_id)
);
CREATE INDEX messages_thread_idx ON messages (tenant_id, thread_id, received_at, id);

ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON messages
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON messages TO frontdesk_app;

-- Senders are matched to clients by address on every stored message.
CREATE INDEX clients_tenant_email_idx ON clients (tenant_id, lower(email)) WHERE email IS NOT NULL;

-- Down Migration
DROP INDEX clients_tenant_email_idx;
DROP TABLE messages;
DROP TABLE threads;
DROP TABLE gmail_oauth_states;
ALTER TABLE google_accounts DROP CONSTRAINT google_accounts_id_key;
ALTER TABLE google_accounts
  DROP COLUMN id,
  DROP COLUMN watch_history_id,
  DROP COLUMN watch_expires_at,
  DROP COLUMN watch_renewed_at,
  DROP COLUMN sync_history_id,
  DROP COLUMN last_synced_at,
  DROP COLUMN last_sync_error;
