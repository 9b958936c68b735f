-- Up Migration

-- The guardian: one long-running workflow per tenant (guardian:<tenant>) that checks the tenant's
-- integrations and outbox on a schedule and screens inbound mail with Claude.

-- What the API shows when the workflow cannot answer a query (no worker polling): the state
-- last asked for through the API, and the phone the owner wants urgent alerts texted to.
CREATE TABLE guardian_settings (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  paused boolean NOT NULL DEFAULT false,
  alert_phone text CHECK (alert_phone IS NULL OR alert_phone ~ '^\+[1-9][0-9]{6,14}$'),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE guardian_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON guardian_settings
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON guardian_settings TO frontdesk_app;

-- One row per pass: what was checked and found. Only the most recent passes are kept.
CREATE TABLE guardian_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  pass integer NOT NULL CHECK (pass > 0),
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'runNow')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  checks jsonb NOT NULL,
  flagged_threads jsonb NOT NULL DEFAULT '[]'::jsonb,
  next_run_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX guardian_reports_tenant_recent_idx ON guardian_reports (tenant_id, finished_at DESC, id DESC);
ALTER TABLE guardian_reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON guardian_reports
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, DELETE ON guardian_reports TO frontdesk_app;

-- Claude's verdict on each inbound message, written as the message is classified. The guardian's
-- checkpoint only bounds the scan; these rows are what makes a re-read after a crash, a retried
-- activity or a late-committing sync free of a second classification.
CREATE TABLE message_screenings (
  message_id uuid PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  thread_id uuid NOT NULL,
  safe boolean NOT NULL,
  category text CHECK (category IN ('threat', 'harassment', 'self-harm', 'fraud', 'phishing', 'legal', 'abuse')),
  severity text NOT NULL CHECK (severity IN ('none', 'low', 'medium', 'high')),
  reason text NOT NULL,
  screened_at timestamptz NOT NULL DEFAULT now(),
  CHECK (safe OR category IS NOT NULL)
);
CREATE INDEX message_screenings_tenant_thread_idx ON message_screenings (tenant_id, thread_id);
ALTER TABLE message_screenings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON message_screenings
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON message_screenings TO frontdesk_app;

-- The guardian scans each tenant's messages in the order they were stored.
CREATE INDEX messages_tenant_stored_idx ON messages (tenant_id, created_at, id);

-- A thread Claude found unsafe, once per thread and category. Reopened (not duplicated) when the
-- same kind of message comes again after it was resolved. The alert columns make the owner's
-- alert happen once per opening, whatever the workflow retries.
CREATE TABLE unsafe_threads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  thread_id uuid NOT NULL,
  category text NOT NULL CHECK (category IN ('threat', 'harassment', 'self-harm', 'fraud', 'phishing', 'legal', 'abuse')),
  severity text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  reason text NOT NULL,
  message_id uuid,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution text CHECK (resolution IN ('safe', 'handled', 'blocked')),
  resolution_note text,
  resolved_by uuid,
  resolved_at timestamptz,
  flagged_at timestamptz NOT NULL DEFAULT now(),
  alert_email_id uuid,
  alert_sms_status text CHECK (alert_sms_status IN ('sent', 'skipped', 'failed')),
  alert_sms_detail text,
  alerted_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT unsafe_threads_thread_category_key UNIQUE (tenant_id, thread_id, category),
  CHECK ((status = 'resolved') = (resolution IS NOT NULL)),
  FOREIGN KEY (tenant_id, thread_id) REFERENCES threads (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX unsafe_threads_tenant_status_idx ON unsafe_threads (tenant_id, status, flagged_at DESC, id DESC);
ALTER TABLE unsafe_threads ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON unsafe_threads
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON unsafe_threads TO frontdesk_app;

-- At boot the worker starts a guardian for every tenant that lacks one. Under RLS the app role
-- sees one tenant at a time, so this narrow function lists the ids (and nothing else).
CREATE FUNCTION guardian_tenant_ids() RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public
  AS $$ SELECT t.id FROM public.tenants t ORDER BY t.created_at, t.id $$;
REVOKE ALL ON FUNCTION guardian_tenant_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION guardian_tenant_ids() TO frontdesk_app;

-- Down Migration
DROP FUNCTION guardian_tenant_ids();
DROP TABLE unsafe_threads;
DROP INDEX messages_tenant_stored_idx;
DROP TABLE message_screenings;
DROP TABLE guardian_reports;
DROP TABLE guardian_settings;
