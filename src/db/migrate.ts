// Applies the plain-SQL migrations in src/db/migrations with node-pg-migrate, as the owner role.
import path from 'node:path';
import type { Logger } from '../observability/logger';

// Beside this module in src/ and, copied by `npm run build`, in dist/.
export const MIGRATIONS_DIR = path.resolve(__dirname, 'migrations');

export async function migrateUp(options: { databaseUrl: string; logger?: Logger }): Promise<string[]> {
  // node-pg-migrate is ESM-only; Node loads it from CommonJS through a dynamic import.
  const { runner } = await import('node-pg-migrate');
  const applied = await runner({
    databaseUrl: options.databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    singleTransaction: true,
    // Two release processes starting together must not both migrate.
    noLock: false,
    log: (msg: string) => options.logger?.debug({ migration: msg }, 'migration'),
    verbose: false,
  });
  return applied.map((m) => m.name);
}
