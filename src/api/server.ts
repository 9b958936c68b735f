// The web process: boot, listen on 0.0.0.0:PORT, and on SIGTERM stop accepting, let in-flight
// requests finish (bounded), close the pool and the Temporal connection, exit 0.
import { bootCommon } from '../boot';
import { createTemporalClient } from '../temporal/client';
import { createApp, settleApp } from './app';
import { API_DRAIN_TIMEOUT_MS } from './drain';
import { createHttpServer } from './http-server';

async function main(): Promise<void> {
  const { config, logger, pool } = await bootCommon('api');
  const temporal = await createTemporalClient(config);
  const app = createApp({ config, pool, temporal, logger });
  const server = createHttpServer(app.callback());

  await new Promise<void>((resolve) => server.listen(config.port, '0.0.0.0', resolve));
  logger.info({ port: config.port, env: config.env }, `API listening on http://0.0.0.0:${config.port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining in-flight requests');
    const force = setTimeout(() => server.closeAllConnections(), API_DRAIN_TIMEOUT_MS).unref();
    server.close(() => {
      clearTimeout(force);
      // Requests counted on this instance's view reach the shared count before it goes.
      void settleApp(app)
        .catch(() => undefined)
        .then(() => Promise.allSettled([pool.end(), temporal.connection.close()]))
        .then(() => {
          logger.info('API stopped');
          process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`API failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
