-- Up Migration

-- Two confirmed bookings of one calendar must never overlap, and the database says so itself: an
-- exclusion constraint over (tenant, calendar, time range) needs btree_gist for the equality
-- parts. It is a trusted extension (PostgreSQL 13+), so the database owner that runs migrations
-- may create it; on a managed Postgres that restricts extensions, allow btree_gist first
-- (docs/features/bookings.md).
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The business's booking settings. NULL hours or reminders mean the defaults in src/domain
-- (weekdays 09:00–17:00; email a day before, SMS two hours before), so a change of default
-- reaches every business that never chose.
ALTER TABLE tenants
  ADD COLUMN business_hours jsonb CHECK (business_hours IS NULL OR jsonb_typeof(business_hours) = 'object'),
  ADD COLUMN cancellation_window_hours integer NOT NULL DEFAULT 24 CHECK (cancellation_window_hours BETWEEN 0 AND 720),
  ADD COLUMN booking_reminders jsonb CHECK (booking_reminders IS NULL OR jsonb_typeof(booking_reminders) = 'array');

-- What can be booked. A service is archived, never deleted: past bookings keep pointing at it.
CREATE TABLE services (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text CHECK (description IS NULL OR length(description) <= 2000),
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 720),
  -- Time after each booking during which the calendar stays blocked (cleaning, notes).
  buffer_minutes integer NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
  -- NULL: no set price (completing a booking then needs the invoice amount given).
  price_cents integer CHECK (price_cents IS NULL OR price_cents BETWEEN 0 AND 100000000),
  currency text NOT NULL DEFAULT 'usd' CHECK (currency ~ '^[a-z]{3}$'),
  archived_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT services_tenant_id_id_key UNIQUE (tenant_id, id)
);
-- Two active services of one business cannot share a name (a front desk picks them by name).
CREATE UNIQUE INDEX services_tenant_name_key ON services (tenant_id, lower(name)) WHERE archived_at IS NULL;

CREATE TABLE bookings (
  -- Chosen by the API: the booking workflow's id and the Calendar event's id derive from it.
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  client_id uuid NOT NULL,
  service_id uuid NOT NULL,
  -- The Google calendar the booking is in (the connected account's address for its primary one).
  calendar_id text NOT NULL CHECK (length(calendar_id) BETWEEN 1 AND 254),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  -- end_at plus the service's buffer at the time of booking: what the calendar is blocked until.
  blocked_until timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled', 'completed', 'no_show')),
  notes text CHECK (notes IS NULL OR length(notes) <= 2000),
  -- How the client hears about it (confirmation and reminders); empty for none.
  channels text[] NOT NULL DEFAULT '{email}' CHECK (channels <@ ARRAY['email', 'sms']::text[]),
  -- Calendar's rule for ids a client chooses: 5–1024 characters of base32hex.
  calendar_event_id text CHECK (calendar_event_id ~ '^[a-v0-9]+$' AND length(calendar_event_id) BETWEEN 5 AND 1024),
  rescheduled_at timestamptz,
  cancelled_at timestamptz,
  cancelled_by text CHECK (cancelled_by IN ('staff', 'client', 'calendar', 'system')),
  cancellation_reason text CHECK (cancellation_reason IS NULL OR length(cancellation_reason) <= 500),
  completed_at timestamptz,
  no_show_at timestamptz,
  invoice_id uuid,
  workflow_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (start_at < end_at AND end_at <= blocked_until),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK ((status = 'no_show') = (no_show_at IS NOT NULL)),
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, service_id) REFERENCES services (tenant_id, id) ON DELETE RESTRICT,
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id) ON DELETE RESTRICT,
  CONSTRAINT bookings_tenant_id_id_key UNIQUE (tenant_id, id),
  -- Half-open ranges: a booking may start exactly when the previous one's buffer ends. Checked by
  -- the index under concurrency too: of two racing inserts, the second waits for the first and
  -- fails once it commits (SQLSTATE 23P01), whatever either transaction read before.
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
    tenant_id WITH =,
    calendar_id WITH =,
    tstzrange(start_at, blocked_until, '[)') WITH &&
  ) WHERE (status = 'confirmed')
);
CREATE INDEX bookings_tenant_start_idx ON bookings (tenant_id, start_at, id);
CREATE INDEX bookings_tenant_client_idx ON bookings (tenant_id, client_id, start_at);
CREATE INDEX bookings_tenant_status_idx ON bookings (tenant_id, status, start_at);
-- A sync finds the booking of a changed event by the event's id.
CREATE UNIQUE INDEX bookings_calendar_event_key ON bookings (tenant_id, calendar_id, calendar_event_id) WHERE calendar_event_id IS NOT NULL;

-- Every message the booking workflow sent, or decided not to send, about a booking: the
-- confirmation, each reminder, notices of a move or a cancellation. `for_start_at` is the start
-- the message was about, so a reschedule plans fresh rows and the old ones stay as history; the
-- send re-checks the booking (still confirmed, still at for_start_at) just before it goes.
CREATE TABLE booking_reminders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  booking_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('confirmation', 'reminder', 'rescheduled', 'cancelled')),
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  -- For a reminder, its offset before the start; 0 for the other kinds.
  minutes_before integer NOT NULL DEFAULT 0 CHECK (minutes_before >= 0),
  for_start_at timestamptz NOT NULL,
  due_at timestamptz,
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'skipped', 'cancelled', 'opted_out')),
  email_id uuid,
  sms_sid text,
  delivery_status text CHECK (delivery_status IN ('sent', 'delivered', 'undelivered', 'failed')),
  delivery_error text,
  detail text,
  at timestamptz NOT NULL DEFAULT now(),
  -- A retried send updates its row instead of adding one.
  CONSTRAINT booking_reminders_message_key UNIQUE (tenant_id, booking_id, kind, channel, minutes_before, for_start_at),
  FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX booking_reminders_booking_idx ON booking_reminders (tenant_id, booking_id, at);
CREATE INDEX booking_reminders_sms_sid_idx ON booking_reminders (sms_sid) WHERE sms_sid IS NOT NULL;

-- Two-way sync with each Google calendar a business books into. `id` names it in workflow ids
-- (never the address). The push channel's id and token are ours, chosen before events.watch is
-- called, so the webhook can verify a notification that arrives before watch has answered; only a
-- SHA-256 of the token is kept (the webhook hashes what it receives and compares). During a
-- renewal the previous channel keeps being accepted until it is stopped.
CREATE TABLE calendar_sync (
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  calendar_id text NOT NULL CHECK (length(calendar_id) BETWEEN 1 AND 254),
  channel_id text CHECK (channel_id ~ '^[A-Za-z0-9_+/=-]{1,64}$'),
  channel_token_hash text CHECK (channel_token_hash ~ '^[0-9a-f]{64}$'),
  resource_id text,
  channel_expires_at timestamptz,
  watch_renewed_at timestamptz,
  previous_channel_id text CHECK (previous_channel_id ~ '^[A-Za-z0-9_+/=-]{1,64}$'),
  previous_channel_token_hash text CHECK (previous_channel_token_hash ~ '^[0-9a-f]{64}$'),
  previous_resource_id text,
  -- The incremental sync cursor; NULL until the first full sync, and again after a 410.
  sync_token text,
  last_synced_at timestamptz,
  last_full_sync_at timestamptz,
  last_sync_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, calendar_id),
  CONSTRAINT calendar_sync_id_key UNIQUE (id),
  CHECK ((channel_id IS NULL) = (channel_token_hash IS NULL)),
  CHECK ((previous_channel_id IS NULL) = (previous_channel_token_hash IS NULL))
);
-- Channel ids are unique across the Google project, so across tenants here too.
CREATE UNIQUE INDEX calendar_sync_channel_key ON calendar_sync (channel_id) WHERE channel_id IS NOT NULL;
CREATE UNIQUE INDEX calendar_sync_previous_channel_key ON calendar_sync (previous_channel_id) WHERE previous_channel_id IS NOT NULL;

-- The client's self-service links. A link is an HS256 JWT (its own audience) carrying the tenant,
-- the booking, an expiry and a jti; the jti's row here is what makes it revocable: a link whose
-- row is missing or revoked answers 404 like a forged or expired one.
CREATE TABLE booking_links (
  jti uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  booking_id uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX booking_links_booking_idx ON booking_links (tenant_id, booking_id);

ALTER TABLE services ENABLE ROW LEVEL SECURITY;
ALTER TABLE bookings ENABLE ROW LEVEL SECURITY;
ALTER TABLE booking_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE calendar_sync ENABLE ROW LEVEL SECURITY;
ALTER TABLE booking_links ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON services
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON bookings
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON booking_reminders
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON calendar_sync
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
CREATE POLICY tenant_isolation ON booking_links
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

-- Services are archived and bookings change status: neither is deleted by the application.
GRANT SELECT, INSERT, UPDATE ON services TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE ON bookings TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE ON booking_reminders TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON calendar_sync TO frontdesk_app;
GRANT SELECT, INSERT, UPDATE ON booking_links TO frontdesk_app;

-- A Calendar push names only its channel: this answers which tenant's calendar it is for, as the
-- table owner (RLS would hide the row before any tenant is known), and nothing else.
CREATE FUNCTION tenant_for_calendar_channel(p_channel_id text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT tenant_id FROM calendar_sync WHERE channel_id = p_channel_id OR previous_channel_id = p_channel_id LIMIT 1 $$;
REVOKE ALL ON FUNCTION tenant_for_calendar_channel(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tenant_for_calendar_channel(text) TO frontdesk_app;

-- Twilio's status callbacks for booking texts name only the message SID, like invoice reminders'.
CREATE OR REPLACE FUNCTION tenant_for_sms_sid(p_sid text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT tenant_id FROM (
      SELECT tenant_id FROM sms_messages WHERE twilio_sid = p_sid AND direction = 'outbound'
      UNION ALL
      SELECT tenant_id FROM invoice_reminders WHERE sms_sid = p_sid
      UNION ALL
      SELECT tenant_id FROM booking_reminders WHERE sms_sid = p_sid
    ) found LIMIT 1
  $$;

-- Down Migration
CREATE OR REPLACE FUNCTION tenant_for_sms_sid(p_sid text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT tenant_id FROM (
      SELECT tenant_id FROM sms_messages WHERE twilio_sid = p_sid AND direction = 'outbound'
      UNION ALL
      SELECT tenant_id FROM invoice_reminders WHERE sms_sid = p_sid
    ) found LIMIT 1
  $$;
DROP FUNCTION tenant_for_calendar_channel(text);
DROP TABLE booking_links;
DROP TABLE calendar_sync;
DROP TABLE booking_reminders;
DROP TABLE bookings;
DROP TABLE services;
ALTER TABLE tenants
  DROP COLUMN booking_reminders,
  DROP COLUMN cancellation_window_hours,
  DROP COLUMN business_hours;
