// Each guardian pass's report, kept in Postgres so GET /api/guardian can show the last one even
// when no worker is there to answer the workflow's query. Only the latest passes are kept.
import { z } from 'zod';
import {
  CHECK_STATUSES,
  GUARDIAN_CHECKS,
  UNSAFE_CATEGORIES,
  UNSAFE_SEVERITIES,
  type GuardianReport,
} from '../domain/guardian';
import { sql, type Db } from './sql';

/** Passes kept per tenant: a day and a half at the default five-minute interval. */
export const REPORTS_KEPT = 500;

const checkSchema = z.object({ name: z.enum(GUARDIAN_CHECKS), status: z.enum(CHECK_STATUSES), detail: z.string() });
const findingSchema = z.object({
  id: z.guid(),
  threadId: z.guid(),
  category: z.enum(UNSAFE_CATEGORIES),
  severity: z.enum(UNSAFE_SEVERITIES),
  reason: z.string(),
  flaggedAt: z.string(),
});

export const storedReportRow = z.object({
  pass: z.number().int(),
  trigger: z.enum(['schedule', 'runNow']),
  startedAt: z.date(),
  finishedAt: z.date(),
  checks: z.array(checkSchema),
  flaggedThreads: z.array(findingSchema),
  nextRunAt: z.date().nullable(),
});
export type StoredReport = z.infer<typeof storedReportRow>;

export async function insertGuardianReport(
  db: Db,
  tenantId: string,
  report: GuardianReport,
  nextRunAt: string | null,
): Promise<void> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO guardian_reports (tenant_id, pass, trigger, started_at, finished_at, checks, flagged_threads, next_run_at)
    VALUES (${tenantId}, ${report.pass}, ${report.trigger}, ${report.startedAt}, ${report.finishedAt},
            ${JSON.stringify(report.checks)}::jsonb,
            ${JSON.stringify(report.flaggedThreads)}::jsonb, ${nextRunAt})`);
  await db.query(sql.typeAlias('void')`
    DELETE FROM guardian_reports
     WHERE id IN (SELECT id FROM guardian_reports ORDER BY finished_at DESC, id DESC OFFSET ${REPORTS_KEPT})`);
}

export async function latestGuardianReport(db: Db): Promise<StoredReport | null> {
  return db.maybeOne(sql.type(storedReportRow)`
    SELECT pass, trigger, started_at AS "startedAt", finished_at AS "finishedAt", checks, flagged_threads AS "flaggedThreads",
           next_run_at AS "nextRunAt"
      FROM guardian_reports ORDER BY finished_at DESC, id DESC LIMIT 1`);
}
