// The guardian's checks that read Postgres and Temporal: is the database there, is Gmail connected
// with a live watch, is the outbox moving, does every open invoice have its reminders running.
// Each returns a check (ok / warn / fail with one line of detail) instead of throwing, so one
// broken part never hides the others in the report.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import type { Config } from '../config';
import { outboxHealth } from '../db/guardian-outbox';
import { listOpenInvoices, markRemindersChecked, remindersCancelledByHand } from '../db/guardian-invoices';
import type { Invoice } from '../db/invoices';
import { findMailbox } from '../db/google-accounts';
import { remainingReminderPlan } from '../db/remaining-reminders';
import { sql } from '../db/sql';
import type { RunAsTenant } from '../db/tenant-transaction';
import { emailCheck, watchNeedsRenewal, type GuardianCheck } from '../domain/guardian';
import {
  stuckOf,
  workflowsCheck,
  WORKFLOWS_EXAMINED_PER_PASS,
  type RunningWorkflowHealth,
  type StuckWorkflow,
} from '../domain/stuck-workflows';
import type { Logger } from '../observability/logger';
import { missingVariables } from '../providers/integration';
import { startPaymentReminder } from '../workflow-starters/payment-reminder';
import { describeFailure } from './guardian-providers';

export interface GuardianThresholds {
  /** A queued or sending email older than this is stuck (GUARDIAN_STUCK_EMAIL_MINUTES). */
  stuckEmailMinutes: number;
  /** Failed emails in the window that make the check fail (GUARDIAN_FAILED_EMAILS_THRESHOLD). */
  failedEmailsThreshold: number;
  failedEmailsWindowHours: number;
  /** Renew the Gmail watch when it expires within this (GUARDIAN_WATCH_RENEW_WITHIN_HOURS). */
  watchRenewWithinMs: number;
  /** Open invoices checked per pass. */
  invoicesPerPass: number;
}

export interface GuardianCheckDeps {
  config: Config;
  /** For the postgres check's own round trip, outside any tenant. */
  pool: DatabasePool;
  tx: RunAsTenant;
  logger: Logger;
  thresholds: GuardianThresholds;
  /** The Temporal client the invoice check asks (the activity's own, by default). */
  temporal?: () => Client;
}

export interface GmailCheckResult {
  check: GuardianCheck;
  /** Set when the watch must be renewed now: the workflow calls renewMailboxWatch for it. */
  renew: { mailboxId: string; expiresAt: string | null } | null;
}

/** Reminder runs the guardian starts again: gone, failed or timed out, never a deliberate stop. */
const RESTARTABLE = new Set(['NOT_FOUND', 'FAILED', 'TIMED_OUT']);

export function createGuardianCheckActivities(deps: GuardianCheckDeps) {
  const { config, pool, tx, thresholds } = deps;
  const temporal = deps.temporal ?? (() => Context.current().client);

  async function reminderRunStatus(client: Client, workflowId: string, running: ReadonlySet<string>): Promise<string> {
    if (running.has(workflowId)) return 'RUNNING';
    try {
      return (await client.workflow.getHandle(workflowId).describe()).status.name;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'NOT_FOUND';
      throw err;
    }
  }

  /** Starts an invoice's reminders again, from the steps not yet sent, as the API would. */
  async function restartReminders(client: Client, invoice: Invoice, at: Date): Promise<void> {
    const plan = await tx(invoice.tenantId, (db) => remainingReminderPlan(db, invoice, at));
    await startPaymentReminder(
      client,
      config,
      {
        tenantId: invoice.tenantId,
        invoiceId: invoice.id,
        clientId: invoice.clientId,
        channels: invoice.channels,
        plan,
      },
      { restart: 'after-failure' },
    );
  }

  return {
    async guardianCheckPostgres(): Promise<GuardianCheck> {
      const started = Date.now();
      try {
        await pool.query(sql.typeAlias('ping')`SELECT 1 AS ok`);
        return { name: 'postgres', status: 'ok', detail: `Reachable (${Date.now() - started} ms)` };
      } catch (err) {
        return { name: 'postgres', status: 'fail', detail: `Not reachable: ${describeFailure(err)}` };
      }
    },

    /** Judged from the mailbox row: every sync and send updates it, so no Gmail call is needed here. */
    async guardianCheckGmail(input: { tenantId: string; at: string }): Promise<GmailCheckResult> {
      if (config.integrations.gmail === 'unconfigured') {
        return {
          check: {
            name: 'gmail',
            status: 'warn',
            detail: `Gmail is not configured: set ${missingVariables(config, 'gmail').join(', ')}`,
          },
          renew: null,
        };
      }
      const mailbox = await tx(input.tenantId, (db) => findMailbox(db, input.tenantId));
      if (!mailbox)
        return {
          check: {
            name: 'gmail',
            status: 'warn',
            detail: 'Gmail is not connected: connect it at GET /api/gmail/connect',
          },
          renew: null,
        };
      if (mailbox.status === 'reauth_required') {
        return {
          check: {
            name: 'gmail',
            status: 'fail',
            detail: `Gmail access was revoked (${mailbox.statusDetail ?? 'invalid_grant'}): connect it again`,
          },
          renew: null,
        };
      }
      const at = new Date(input.at);
      if (watchNeedsRenewal(mailbox.watchExpiresAt, at, thresholds.watchRenewWithinMs)) {
        const expiresAt = mailbox.watchExpiresAt?.toISOString() ?? null;
        const detail = expiresAt
          ? `The Gmail watch expires at ${expiresAt}: renewing it`
          : 'Gmail has no watch: starting one';
        return { check: { name: 'gmail', status: 'warn', detail }, renew: { mailboxId: mailbox.id, expiresAt } };
      }
      const watch = `watch until ${mailbox.watchExpiresAt?.toISOString()}`;
      if (mailbox.lastSyncError) {
        return {
          check: {
            name: 'gmail',
            status: 'warn',
            detail: `Connected as ${mailbox.email}, ${watch}; the last sync failed: ${mailbox.lastSyncError.slice(0, 200)}`,
          },
          renew: null,
        };
      }
      const synced = mailbox.lastSyncedAt ? `last synced ${mailbox.lastSyncedAt.toISOString()}` : 'not synced yet';
      return {
        check: { name: 'gmail', status: 'ok', detail: `Connected as ${mailbox.email}, ${watch}, ${synced}` },
        renew: null,
      };
    },

    async guardianCheckEmails(input: { tenantId: string; at: string }): Promise<GuardianCheck> {
      const at = new Date(input.at);
      const stuckBefore = new Date(at.getTime() - thresholds.stuckEmailMinutes * 60_000);
      const failedSince = new Date(at.getTime() - thresholds.failedEmailsWindowHours * 3_600_000);
      const health = await tx(input.tenantId, (db) => outboxHealth(db, { stuckBefore, failedSince }));
      return emailCheck({
        stuck: health.stuck,
        oldestStuckMinutes: health.oldestStuckAt
          ? Math.round((at.getTime() - health.oldestStuckAt.getTime()) / 60_000)
          : null,
        failed: health.failed,
        windowHours: thresholds.failedEmailsWindowHours,
        failedThreshold: thresholds.failedEmailsThreshold,
        stuckMinutes: thresholds.stuckEmailMinutes,
      });
    },

    /**
     * The business's running workflows, newest first: one whose workflow task keeps failing (its
     * code throws on every step) or whose activity has retried far past a blip is named in the
     * report and counted in the worker's Prometheus metrics
     * (frontdesk_guardian_stuck_workflows_total{kind}, on WORKER_METRICS_BIND_ADDRESS).
     */
    async guardianCheckWorkflows(input: { tenantId: string; at: string }): Promise<GuardianCheck> {
      const client = temporal();
      const stuck: StuckWorkflow[] = [];
      let examined = 0;
      const query = `TenantId = '${input.tenantId}' AND ExecutionStatus = 'Running'`;
      for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
        if (examined >= WORKFLOWS_EXAMINED_PER_PASS) break;
        examined += 1;
        Context.current().heartbeat();
        let health: RunningWorkflowHealth;
        try {
          const d = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
          health = {
            workflowId: d.workflowId,
            workflowType: d.type,
            workflowTaskAttempt: d.raw.pendingWorkflowTask?.attempt ?? null,
            activities: (d.raw.pendingActivities ?? []).map((a) => ({
              activityType: a.activityType?.name ?? 'activity',
              attempt: a.attempt ?? 0,
              lastFailure: a.lastFailure?.message ?? null,
            })),
          };
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) continue; // closed since the listing
          throw err;
        }
        stuck.push(...stuckOf(health));
      }
      const meter = Context.current().metricMeter;
      const counter = meter.createCounter(
        'frontdesk_guardian_stuck_workflows',
        'workflows',
        'Stuck workflows found by guardian passes, by what is stuck',
      );
      for (const kind of ['workflow_task', 'activity'] as const) {
        const n = stuck.filter((s) => s.kind === kind).length;
        if (n > 0) counter.add(n, { kind });
      }
      if (stuck.length > 0) deps.logger.warn({ tenantId: input.tenantId, stuck }, 'guardian found stuck workflows');
      return workflowsCheck(examined, stuck);
    },

    /**
     * Every open invoice should have its paymentReminder running, or have finished its schedule
     * (flagged overdue). One whose run is gone, failed or timed out is started again through the
     * same start function the API uses; one a person cancelled or terminated is only reported.
     */
    async guardianCheckInvoices(input: { tenantId: string; at: string }): Promise<GuardianCheck> {
      const invoices = await tx(input.tenantId, (db) => listOpenInvoices(db, thresholds.invoicesPerPass));
      if (invoices.length === 0) return { name: 'invoices', status: 'ok', detail: 'No open invoices' };
      const client = temporal();
      // One visibility query for the common case; each invoice not in it is described on its own
      // (visibility lags a just-started run).
      const running = new Set<string>();
      const query = `WorkflowType = 'paymentReminder' AND ExecutionStatus = 'Running' AND TenantId = '${input.tenantId}'`;
      try {
        for await (const execution of client.workflow.list({ query })) running.add(execution.workflowId);
      } catch (err) {
        // A server without advanced visibility: describing each one still answers.
        deps.logger.debug({ err: describeFailure(err) }, 'guardian: listing running reminders failed; describing each');
      }

      const restarted: string[] = [];
      const stopped: string[] = [];
      const broken: string[] = [];
      for (const invoice of invoices) {
        Context.current().heartbeat();
        const status = await reminderRunStatus(client, invoice.workflowId, running);
        if (status === 'RUNNING' || status === 'COMPLETED' || status === 'CONTINUED_AS_NEW') continue;
        if (status === 'NOT_FOUND' && invoice.overdueAt) continue; // its schedule finished; the run has aged out
        const byHand =
          status === 'CANCELLED' ||
          status === 'TERMINATED' ||
          (await tx(input.tenantId, (db) => remindersCancelledByHand(db, invoice.id)));
        if (byHand || !RESTARTABLE.has(status)) {
          stopped.push(invoice.id);
          continue;
        }
        try {
          await restartReminders(client, invoice, new Date(input.at));
          restarted.push(invoice.id);
          deps.logger.warn(
            { tenantId: input.tenantId, invoiceId: invoice.id, was: status },
            'guardian restarted the reminders of an open invoice',
          );
        } catch (err) {
          broken.push(`${invoice.id} (${describeFailure(err)})`);
        }
      }
      await tx(input.tenantId, (db) =>
        markRemindersChecked(
          db,
          invoices.map((i) => i.id),
        ),
      );
      const parts: string[] = [];
      if (restarted.length)
        parts.push(
          `restarted the reminders of ${restarted.length} invoice${restarted.length === 1 ? '' : 's'}: ${restarted.join(', ')}`,
        );
      if (stopped.length)
        parts.push(
          `reminders stopped by hand on ${stopped.length} open invoice${stopped.length === 1 ? '' : 's'}: ${stopped.join(', ')}`,
        );
      if (broken.length) parts.push(`could not restart the reminders of ${broken.join('; ')}`);
      if (parts.length === 0)
        return {
          name: 'invoices',
          status: 'ok',
          detail: `${invoices.length} open invoice${invoices.length === 1 ? '' : 's'}, reminders running for each`,
        };
      return { name: 'invoices', status: broken.length ? 'fail' : 'warn', detail: parts.join('; ').slice(0, 1000) };
    },
  };
}
