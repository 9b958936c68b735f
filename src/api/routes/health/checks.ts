// The dependency checks behind /api/health. Each answers within CHECK_TIMEOUT_MS, so a hung
// dependency turns into a 503 instead of a hung health check.
import type { Client } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import { Fernet } from '../../../crypto/fernet';
import { sql } from '../../../db/sql';

const CHECK_TIMEOUT_MS = 2_000;

export type CheckStatus = 'ok' | 'fail';

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkDatabase(pool: DatabasePool): Promise<{ status: CheckStatus; latencyMs: number }> {
  const started = performance.now();
  try {
    await withTimeout(pool.query(sql.typeAlias('ping')`SELECT 1 AS ok`), 'Postgres');
    return { status: 'ok', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch {
    return { status: 'fail', latencyMs: Math.round(performance.now() - started) };
  }
}

export async function checkTemporal(client: Client): Promise<CheckStatus> {
  try {
    await client.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}));
    return 'ok';
  } catch {
    return 'fail';
  }
}

export function checkEncryption(key: string): CheckStatus {
  try {
    const fernet = new Fernet(key);
    const probe = `health-${Date.now()}`;
    return fernet.decryptString(fernet.encrypt(probe)) === probe ? 'ok' : 'fail';
  } catch {
    return 'fail';
  }
}
