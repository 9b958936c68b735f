// What the API is built from: its configuration, the application role's Postgres pool, a Temporal
// client and the logger. Every router takes these; they live apart from app.ts so a router never
// imports the application root that mounts it.
import type { Client } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';

export interface AppDeps {
  config: Config;
  pool: DatabasePool;
  temporal: Client;
  logger: Logger;
}
