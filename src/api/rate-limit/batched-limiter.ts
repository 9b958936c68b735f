// A request limit counted in Postgres (so every web instance shares it) without a round trip per
// request. Each instance keeps its own view of every key's count in rate-limiter-flexible's
// memory limiter and reports what it let through to the Postgres limiter in batches
// (`penalty(key, n)`, a few times a second), taking back the shared count each time. Far from the
// limit the view decides; close to it (or for a key seen for the first time in a window) every
// request asks Postgres, carrying what the instance still owes, so the count that decides a 429
// there is the shared one. What the view can miss is what other instances let through since their
// last report: FLUSH_MS worth of traffic, which matters only if it exceeds the margin kept near the
// limit. docs/performance.md has the measurements that chose this over a durable write per request.
import { RateLimiterMemory, RateLimiterRes, type RateLimiterPostgres } from 'rate-limiter-flexible';
import type { Logger } from '../../observability/logger';

/** How long counted requests wait before they are reported to Postgres together. */
export const FLUSH_MS = 200;

/**
 * Requests this close to the limit are each counted in Postgres: the last tenth, and at least the
 * last ten points (a limit of ten or less is always counted there).
 */
export function exactMargin(points: number): number {
  return Math.min(points, Math.max(10, Math.ceil(points / 10)));
}

export class BatchedRateLimiter {
  readonly points: number;
  private readonly view: RateLimiterMemory;
  private readonly margin: number;
  /** Let through on the view and not yet sent to Postgres. */
  private readonly owed = new Map<string, number>();
  /** Sent to Postgres, answer not yet back: still part of the count the view must assume. */
  private readonly sending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: RateLimiterPostgres,
    private readonly logger: Logger,
  ) {
    this.points = store.points;
    this.margin = exactMargin(store.points);
    this.view = new RateLimiterMemory({
      keyPrefix: `${store.keyPrefix}-view`,
      points: store.points,
      duration: store.duration,
    });
  }

  /** Takes one point for `key`; rejects with a RateLimiterRes once the limit is spent, like `consume`. */
  async consume(key: string): Promise<RateLimiterRes> {
    const seen = await this.view.get(key);
    if (seen === null || seen.remainingPoints <= this.margin) return this.consumeShared(key);
    add(this.owed, key, 1);
    this.scheduleFlush();
    return this.view.consume(key);
  }

  /** Reports everything owed now (tests, and a draining instance). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = [...this.owed];
    this.owed.clear();
    await Promise.all(
      batch.map(async ([key, points]) => {
        add(this.sending, key, points);
        try {
          await this.adopt(key, await this.store.penalty(key, points));
        } catch (err) {
          // The store's own insurance limiter answers while Postgres is down, so this is a bug
          // or a closed pool: the points are lost to the shared count, never to this instance.
          this.logger.warn(
            { err: { message: (err as Error).message }, key: this.store.keyPrefix },
            'rate limit report failed',
          );
        } finally {
          add(this.sending, key, -points);
        }
      }),
    );
  }

  private async consumeShared(key: string): Promise<RateLimiterRes> {
    const points = 1 + (this.owed.get(key) ?? 0);
    this.owed.delete(key);
    add(this.sending, key, points);
    try {
      const res = await this.store.consume(key, points);
      add(this.sending, key, -points);
      await this.adopt(key, res);
      return res;
    } catch (rejection) {
      add(this.sending, key, -points);
      if (rejection instanceof RateLimiterRes) await this.adopt(key, rejection);
      throw rejection;
    }
  }

  /**
   * The view takes the shared count plus what this instance has let through since. It never goes
   * down within a window (two answers may arrive out of order); a new window starts afresh.
   */
  private async adopt(key: string, shared: RateLimiterRes): Promise<void> {
    if (shared.msBeforeNext <= 0) return;
    const count = shared.consumedPoints + (this.owed.get(key) ?? 0) + (this.sending.get(key) ?? 0);
    const current = shared.isFirstInDuration ? null : await this.view.get(key);
    await this.view.set(key, Math.max(count, current?.consumedPoints ?? 0), shared.msBeforeNext / 1000);
  }

  private scheduleFlush(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, FLUSH_MS);
    this.timer.unref();
  }
}

function add(counts: Map<string, number>, key: string, points: number): void {
  const next = (counts.get(key) ?? 0) + points;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}
