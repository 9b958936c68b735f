// Shared start-up for the web and worker processes: config (exit with the full list of problems
// when invalid), logger, database pool checked to be the RLS-bound app role, default tenant.
import { ConfigError, loadConfig, type Config } from './config';
import { assertConnectedAsAppRole } from './db/app-role-check';
import { createPool, type DatabasePool } from './db/pool';
import { ensureDefaultTenant } from './db/tenants';
import { createLogger, type Logger } from './observability/logger';
import './zod-messages';

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

export async function bootCommon(name: string): Promise<{ config: Config; logger: Logger; pool: DatabasePool }> {
  const config = loadConfigOrExit();
  const logger = createLogger({ name, level: config.log.level, pretty: config.log.pretty });
  const pool = await createPool({ url: config.database.url, maximumPoolSize: config.database.poolSize });
  await assertConnectedAsAppRole(pool);
  await ensureDefaultTenant(pool, config.defaultTenantId);
  return { config, logger, pool };
}
