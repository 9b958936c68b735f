// The append-only audit trail: who did what to which record, in which request.
import { z } from 'zod';
import { sql, type Db } from './sql';
import { cursorAt } from './keyset-cursor';

export const auditRow = z.object({
  id: z.guid(),
  actorId: z.guid().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  requestId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  at: z.date(),
});
export type AuditEntry = z.infer<typeof auditRow>;

export interface NewAuditEntry {
  tenantId: string;
  actorId: string | null;
  action: string;
  target: string | null;
  requestId: string | null;
  detail?: Record<string, unknown>;
}

export async function insertAuditEntry(db: Db, entry: NewAuditEntry): Promise<void> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO audit_log (tenant_id, actor_id, action, target, request_id, detail)
    VALUES (${entry.tenantId}, ${entry.actorId}, ${entry.action}, ${entry.target}, ${entry.requestId},
            ${sql.jsonb((entry.detail ?? {}) as Parameters<typeof sql.jsonb>[0])})`);
}

const auditPageRow = auditRow.extend({ cursorKey: z.string() });

/** Newest first, keyset-paginated on (at, id). */
export async function listAuditEntries(
  db: Db,
  query: { target?: string; action?: string; limit: number; before?: { at: string; id: string } },
): Promise<readonly (AuditEntry & { cursorKey: string })[]> {
  const conditions = [sql.fragment`TRUE`];
  if (query.target !== undefined) conditions.push(sql.fragment`target = ${query.target}`);
  if (query.action !== undefined) conditions.push(sql.fragment`action = ${query.action}`);
  if (query.before)
    conditions.push(sql.fragment`(at, id) < (${query.before.at}::timestamptz, ${query.before.id}::uuid)`);
  return db.any(sql.type(auditPageRow)`
    SELECT id, actor_id AS "actorId", action, target, request_id AS "requestId", detail, at, ${cursorAt('at')} AS "cursorKey"
      FROM audit_log
     WHERE ${sql.join(conditions, sql.fragment` AND `)}
     ORDER BY at DESC, id DESC
     LIMIT ${query.limit}`);
}
