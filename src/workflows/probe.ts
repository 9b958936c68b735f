// The smallest real workflow: a durable timer, then an activity that reaches Postgres. It proves
// API → Temporal → worker → database wiring end to end.
import { proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { createProbeActivities } from '../activities/probe';
import { probeStatusQuery, type ProbeInput, type ProbeResult } from './probe.contract';

const { checkDatabase } = proxyActivities<ReturnType<typeof createProbeActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

export async function probe(input: ProbeInput = {}): Promise<ProbeResult> {
  let phase: 'sleeping' | 'checking' | 'done' = 'sleeping';
  setHandler(probeStatusQuery, () => ({ phase }));
  const startedAt = new Date().toISOString();
  if (input.sleepMs && input.sleepMs > 0) await sleep(input.sleepMs);
  phase = 'checking';
  const databaseOk = await checkDatabase();
  phase = 'done';
  return { databaseOk, note: input.note ?? null, startedAt, finishedAt: new Date().toISOString() };
}
