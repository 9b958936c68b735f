import type { DatabasePool } from 'slonik';
import { sql } from '../db/sql';

export function createProbeActivities(deps: { pool: DatabasePool }) {
  return {
    async checkDatabase(): Promise<boolean> {
      await deps.pool.query(sql.typeAlias('ping')`SELECT 1 AS ok`);
      return true;
    },
  };
}
