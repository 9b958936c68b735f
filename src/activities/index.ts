// All activities, built from their dependencies; the worker registers the merged object.
import type { DatabasePool } from 'slonik';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { createProbeActivities } from './probe';

export interface ActivityDeps {
  config: Config;
  pool: DatabasePool;
  logger: Logger;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
