// The outbox as the guardian sees it: emails that should have settled by now, and recent failures.
import { z } from 'zod';
import { sql, type Db } from './sql';

const outboxHealthRow = z.object({
  stuck: z.number().int(),
  oldestStuckAt: z.date().nullable(),
  failed: z.number().int(),
});

export interface OutboxHealth {
  /** Queued or sending since before `stuckBefore`. */
  stuck: number;
  oldestStuckAt: Date | null;
  /** Failed since `failedSince`. */
  failed: number;
}

export async function outboxHealth(db: Db, at: { stuckBefore: Date; failedSince: Date }): Promise<OutboxHealth> {
  return db.one(sql.type(outboxHealthRow)`
    SELECT count(*) FILTER (WHERE status IN ('queued', 'sending') AND created_at < ${at.stuckBefore.toISOString()})::int AS stuck,
           min(created_at) FILTER (WHERE status IN ('queued', 'sending') AND created_at < ${at.stuckBefore.toISOString()}) AS "oldestStuckAt",
           count(*) FILTER (WHERE status = 'failed' AND updated_at >= ${at.failedSince.toISOString()})::int AS failed
      FROM emails
     WHERE status IN ('queued', 'sending', 'failed')`);
}
