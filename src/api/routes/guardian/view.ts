// What GET /api/guardian shows: the workflow's own answer (its `report` query) when a worker is
// there to give it, else what the last pass stored in Postgres and the pause last asked for.
import type { Client } from '@temporalio/client';
import { latestGuardianReport } from '../../../db/guardian-reports';
import { findGuardianSettings } from '../../../db/guardian-settings';
import type { Db } from '../../../db/sql';
import { worstStatus, type GuardianReport } from '../../../domain/guardian';
import { guardianWorkflowId } from '../../../domain/workflow-ids';
import { queryIfRunning } from '../../../temporal/if-running';
import { guardianReportQuery, type GuardianStatus } from '../../../workflows/guardian.contract';
import type { z } from '../../openapi/zod';
import type { guardianViewSchema } from './schema';

export type GuardianView = z.infer<typeof guardianViewSchema>;

export async function guardianView(temporal: Client, db: Db, tenantId: string): Promise<GuardianView> {
  const workflowId = guardianWorkflowId(tenantId);
  let live: GuardianStatus | null;
  try {
    live = await queryIfRunning(temporal, workflowId, guardianReportQuery);
  } catch {
    return fromDatabase(db, workflowId, 'running');
  }
  if (!live) return fromDatabase(db, workflowId, 'stopped');
  return {
    workflowId,
    state: live.state,
    lastRunAt: live.lastRunAt,
    nextRunAt: live.nextRunAt,
    lastReport: presentReport(live.lastReport),
    answering: true,
  };
}

/**
 * The report with its overall status. Findings carry their flaggedAt to the microsecond (it names
 * them); responses use milliseconds.
 */
function presentReport(report: GuardianReport | null): GuardianView['lastReport'] {
  if (!report) return null;
  return {
    ...report,
    status: worstStatus(report.checks.map((c) => c.status)),
    flaggedThreads: report.flaggedThreads.map((f) => ({ ...f, flaggedAt: new Date(f.flaggedAt).toISOString() })),
  };
}

/** The workflow is running but nobody answers (no worker), or it is not running at all. */
async function fromDatabase(db: Db, workflowId: string, workflow: 'running' | 'stopped'): Promise<GuardianView> {
  const [report, settings] = await Promise.all([latestGuardianReport(db), findGuardianSettings(db)]);
  const lastReport = report
    ? presentReport({
        pass: report.pass,
        trigger: report.trigger,
        startedAt: report.startedAt.toISOString(),
        finishedAt: report.finishedAt.toISOString(),
        checks: report.checks,
        flaggedThreads: report.flaggedThreads,
      })
    : null;
  const state = workflow === 'stopped' ? 'stopped' : settings?.paused ? 'paused' : 'running';
  return {
    workflowId,
    state,
    lastRunAt: lastReport?.finishedAt ?? null,
    nextRunAt: state === 'running' ? (report?.nextRunAt?.toISOString() ?? null) : null,
    lastReport,
    answering: false,
  };
}
