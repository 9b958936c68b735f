// Routes the Temporal runtime's and workers' logs into the process's pino logger, so worker logs
// are structured like the API's and carry workflowId/activityId from Temporal's own metadata.
import {
  Runtime,
  makeTelemetryFilterString,
  type LogLevel,
  type LogMetadata,
  type Logger as TemporalLogger,
} from '@temporalio/worker';
import type { Logger } from '../observability/logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * `metricsBindAddress`: where the SDK serves its own Prometheus metrics (GET /metrics there), for
 * the worker process; the API process serves its metrics itself.
 */
export function installTemporalRuntimeLogger(logger: Logger, metricsBindAddress?: string): void {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => logger[LEVELS[level]](meta ?? {}, message);
  const adapter: TemporalLogger = {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
  Runtime.install({
    logger: adapter,
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsBindAddress
        ? { metrics: { prometheus: { bindAddress: metricsBindAddress, countersTotalSuffix: true } } }
        : {}),
    },
  });
}
