-- Up Migration

-- The owner hears about overdue invoices in one digest a day per business, not one email per
-- invoice. A row per business and local day says that day's digest was made (its primary key is
-- what makes a retried or overlapping pass a no-op), with the outbox email it went out as (null
-- when nothing was sent: no owner address, or nothing to list) and how many invoices it listed.
CREATE TABLE overdue_digests (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  local_date date NOT NULL,
  email_id uuid,
  invoice_count integer NOT NULL DEFAULT 0 CHECK (invoice_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, local_date)
);
ALTER TABLE overdue_digests ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON overdue_digests
  USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE ON overdue_digests TO frontdesk_app;

-- When the owner was told an invoice is overdue, and in which day's digest: each overdue invoice
-- is in exactly one digest. Null digest date with a time: told by the one-email-per-invoice alert
-- of a reminder workflow that started before the digest (or before this migration).
ALTER TABLE invoices
  ADD COLUMN overdue_owner_told_at timestamptz,
  ADD COLUMN overdue_digest_date date,
  ADD CONSTRAINT invoices_overdue_digest_fkey FOREIGN KEY (tenant_id, overdue_digest_date) REFERENCES overdue_digests (tenant_id, local_date);
-- Every invoice flagged overdue so far had its own alert email: the first digest must not repeat them.
UPDATE invoices SET overdue_owner_told_at = overdue_at WHERE overdue_at IS NOT NULL;
-- What a digest takes: the open overdue invoices the owner has not been told about.
CREATE INDEX invoices_overdue_untold_idx ON invoices (tenant_id, overdue_at)
  WHERE overdue_at IS NOT NULL AND overdue_owner_told_at IS NULL;

-- The hourly digest pass looks across businesses for the ones with something to tell. Under RLS
-- the app role sees one tenant at a time, so this narrow function answers only which businesses,
-- their time zone and the day of their last digest, a page at a time in id order; the digest
-- itself is made as the tenant.
CREATE FUNCTION overdue_digest_candidates(p_after uuid, p_limit integer)
  RETURNS TABLE (tenant_id uuid, timezone text, last_digest_date date)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
  AS $$
    SELECT t.id, t.timezone, (SELECT max(d.local_date) FROM public.overdue_digests d WHERE d.tenant_id = t.id)
    FROM public.tenants t
    WHERE (p_after IS NULL OR t.id > p_after) AND EXISTS (
      SELECT 1 FROM public.invoices i
      WHERE i.tenant_id = t.id AND i.status = 'open' AND i.overdue_at IS NOT NULL AND i.overdue_owner_told_at IS NULL)
    ORDER BY t.id
    LIMIT p_limit
  $$;
REVOKE ALL ON FUNCTION overdue_digest_candidates(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION overdue_digest_candidates(uuid, integer) TO frontdesk_app;

-- Down Migration
DROP FUNCTION overdue_digest_candidates(uuid, integer);
DROP INDEX invoices_overdue_untold_idx;
ALTER TABLE invoices DROP CONSTRAINT invoices_overdue_digest_fkey;
ALTER TABLE invoices DROP COLUMN overdue_digest_date, DROP COLUMN overdue_owner_told_at;
DROP TABLE overdue_digests;
