// Saved workflow histories: `RECORD_HISTORIES=1` while running the time-skipping tests writes the
// history of each workflow they run to test/fixtures/histories; test/workflows/replay.test.ts
// replays every saved history against today's workflow code. A change to a workflow that may be
// running in production must keep them replaying (guard the change with patched()), and new
// histories are recorded once the change has shipped.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORY_FIXTURES_DIR = path.resolve(__dirname, '../fixtures/histories');

export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  fs.mkdirSync(HISTORY_FIXTURES_DIR, { recursive: true });
  const history = await handle.fetchHistory();
  // Binary protobuf, exactly as the server sends it.
  fs.writeFileSync(
    path.join(HISTORY_FIXTURES_DIR, `${name}.history.pb`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
}
