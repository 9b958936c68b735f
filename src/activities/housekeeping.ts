// The housekeeping workflow's one activity: purge expired records and say how many went.
import type { DatabasePool } from 'slonik';
import type { Config } from '../config';
import { purgeExpiredRecords, type PurgedRecords } from '../db/housekeeping';
import type { Logger } from '../observability/logger';

export function createHousekeepingActivities(deps: { config: Config; pool: DatabasePool; logger: Logger }) {
  return {
    async purgeExpired(): Promise<PurgedRecords> {
      const purged = await purgeExpiredRecords(deps.pool, {
        idempotencyTtlHours: deps.config.http.idempotencyKeyTtlHours,
      });
      deps.logger.info(purged, 'expired records purged');
      return purged;
    },
  };
}
