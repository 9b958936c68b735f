-- Up Migration

-- When the guardian last checked an open invoice's reminder workflow. Each pass checks the
-- GUARDIAN_INVOICES_PER_PASS least recently checked, so a business with more open invoices than
-- that has every one checked in turn instead of only the oldest ones, pass after pass.
ALTER TABLE invoices ADD COLUMN reminders_checked_at timestamptz;
CREATE INDEX invoices_open_checked_idx ON invoices (tenant_id, reminders_checked_at NULLS FIRST, created_at, id) WHERE status = 'open';

-- Down Migration
DROP INDEX invoices_open_checked_idx;
ALTER TABLE invoices DROP COLUMN reminders_checked_at;
