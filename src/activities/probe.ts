import type { DatabasePool } from 'slonik';
import { sql } from '../db/sql';

export function createProbeActivities(deps: { pool: DatabasePool }) {
  return {
    async checkDatabase(): Promise<boolean> {
      await deps.pool.query(sql.unsafe`SELECT 1`);
      return true;
    },
  };
}
