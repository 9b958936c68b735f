// `npm run db:migrate` and the Procfile's release process. Runs as MIGRATION_DATABASE_URL (the
// table owner) when set, else DATABASE_URL; reads nothing else from the environment.
import { createLogger } from '../observability/logger';
import { migrateUp } from './migrate';

async function main(): Promise<void> {
  const logger = createLogger({ name: 'migrate', level: process.env.LOG_LEVEL ?? 'info', pretty: false });
  const databaseUrl = process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL;
  if (!databaseUrl) {
    logger.fatal('Set MIGRATION_DATABASE_URL (the owner role) or DATABASE_URL to run migrations');
    process.exit(1);
  }
  const applied = await migrateUp({ databaseUrl, logger });
  logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
}

main().catch((err: unknown) => {
  // The message, not the error object: pg errors can quote the connection string.
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
