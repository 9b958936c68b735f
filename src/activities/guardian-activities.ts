// Every activity of the guardian workflow, from the deps the worker has. Provider clients are
// made per call (config decides live, sandbox or unconfigured); tests pass narrow fakes instead.
import type { DatabasePool } from 'slonik';
import type { Config } from '../config';
import { insertGuardianReport } from '../db/guardian-reports';
import type { RunAsTenant } from '../db/tenant-transaction';
import type { GuardianReport } from '../domain/guardian';
import type { Logger } from '../observability/logger';
import type { Claude } from '../providers/claude';
import type { Sms } from '../providers/twilio';
import { createGuardianAlertActivities } from './guardian-alerts';
import { createGuardianCheckActivities, type GuardianCheckDeps } from './guardian-checks';
import { createProviderCheck, type ProbedProvider, type ProviderProbes } from './guardian-providers';
import { createGuardianScreeningActivities } from './guardian-screening';

export interface GuardianDeps {
  config: Config;
  pool: DatabasePool;
  tx: RunAsTenant;
  logger: Logger;
  probes: ProviderProbes;
  claude: () => Pick<Claude, 'classify'>;
  sms: () => Pick<Sms, 'send' | 'findSent'>;
  temporal?: GuardianCheckDeps['temporal'];
}

/** A screening pass stops starting classifications after this long (its activity may run 10 min). */
const SCREENING_TIME_BUDGET_MS = 4 * 60_000;

export function createGuardianActivities(deps: GuardianDeps) {
  const { config, pool, tx, logger } = deps;
  const g = config.guardian;
  const checkProvider = createProviderCheck({ config, probes: deps.probes, reuseForMs: g.providerCheckReuseMs });
  return {
    ...createGuardianCheckActivities({
      config,
      pool,
      tx,
      logger,
      thresholds: {
        stuckEmailMinutes: g.stuckEmailMinutes,
        failedEmailsThreshold: g.failedEmailsThreshold,
        failedEmailsWindowHours: g.failedEmailsWindowHours,
        watchRenewWithinMs: g.watchRenewWithinMs,
        invoicesPerPass: g.invoicesPerPass,
      },
      ...(deps.temporal ? { temporal: deps.temporal } : {}),
    }),
    ...createGuardianScreeningActivities({
      config,
      tx,
      logger,
      claude: deps.claude,
      batchSize: g.screenBatch,
      timeBudgetMs: SCREENING_TIME_BUDGET_MS,
    }),
    ...createGuardianAlertActivities({ config, tx, logger, sms: deps.sms }),

    async guardianCheckProvider(input: { provider: ProbedProvider }) {
      return checkProvider(input.provider);
    },

    /** Keeps the pass's report for GET /api/guardian (also when no worker answers a query). */
    async recordGuardianReport(input: {
      tenantId: string;
      report: GuardianReport;
      nextRunAt: string | null;
    }): Promise<void> {
      await tx(input.tenantId, (db) => insertGuardianReport(db, input.tenantId, input.report, input.nextRunAt));
    },
  };
}

export type GuardianActivities = ReturnType<typeof createGuardianActivities>;
