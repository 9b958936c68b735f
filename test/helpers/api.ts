// The real API on port 0 over the test stack's Postgres and Temporal, with config overrides.
import type { Client } from '@temporalio/client';
import type Koa from 'koa';
import type { DatabasePool } from 'slonik';
import { createApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { testConfig } from './config';
import { createAppPool } from './db';
import { listen, type TestServer } from './http';
import { connectClient } from './temporal';

export interface RunningApi {
  server: TestServer;
  app: Koa<any, any>;
  config: Config;
  pool: DatabasePool;
  temporal: Client;
  close(): Promise<void>;
}

export async function startApi(overrides: Record<string, string | undefined> = {}): Promise<RunningApi> {
  const config = testConfig(overrides);
  const pool = await createAppPool(config.database.url);
  const temporal = await connectClient();
  const app = createApp({
    config,
    pool,
    temporal,
    logger: createLogger({ name: 'test', level: 'silent', pretty: false }),
  });
  const server = await listen(app);
  return {
    server,
    app,
    config,
    pool,
    temporal,
    close: async () => {
      await server.close();
      await pool.end();
      await temporal.connection.close();
    },
  };
}
