// The probe's contract: what it takes, what it answers, and the query that shows where it is.
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

export type ProbePhase = 'sleeping' | 'checking' | 'done';

export const probeStatusQuery = defineQuery<{ phase: ProbePhase }>('status');
