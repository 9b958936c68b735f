// Names and types shared by workflows, the API and the worker: signals, queries and I/O types.
// Imported by the workflow bundle, so nothing here may do I/O.
import { defineQuery } from '@temporalio/workflow';

export interface ProbeInput {
  /** Workflow time to sleep before answering; lets tests prove durable timers. */
  sleepMs?: number;
  note?: string;
}

export interface ProbeResult {
  databaseOk: boolean;
  note: string | null;
  startedAt: string;
  finishedAt: string;
}

export const probeStatusQuery = defineQuery<{ phase: 'sleeping' | 'checking' | 'done' }>('status');
