// The services a business offers. Archiving takes a service off the menu (and frees its name)
// while the bookings made for it keep pointing at it; nothing is deleted.
import { z } from 'zod';
import { ConflictError } from '../errors';
import { SQLSTATE, violatedConstraint } from './constraint-violation';
import { sql, type Db } from './sql';

export const serviceRow = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  durationMinutes: z.number().int(),
  bufferMinutes: z.number().int(),
  priceCents: z.number().int().nullable(),
  currency: z.string(),
  archivedAt: z.coerce.date().nullable(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});
const servicePageRow = serviceRow.extend({ cursorKey: z.string() });
export type Service = z.infer<typeof serviceRow>;

const columns = sql.fragment`
  id, tenant_id AS "tenantId", name, description, duration_minutes AS "durationMinutes",
  buffer_minutes AS "bufferMinutes", price_cents AS "priceCents", currency, archived_at AS "archivedAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Another active service of the business already has this name. */
export class ServiceNameTakenError extends ConflictError {
  readonly errors = [{ path: 'name', message: 'is the name of another service' }];
  constructor() {
    super('name is the name of another service');
  }
}

export interface ServiceFields {
  name: string;
  description: string | null;
  durationMinutes: number;
  bufferMinutes: number;
  priceCents: number | null;
  currency: string;
}

export async function insertService(db: Db, tenantId: string, s: ServiceFields): Promise<Service> {
  return nameChecked(() =>
    db.one(sql.type(serviceRow)`
      INSERT INTO services (tenant_id, name, description, duration_minutes, buffer_minutes, price_cents, currency)
      VALUES (${tenantId}, ${s.name}, ${s.description}, ${s.durationMinutes}, ${s.bufferMinutes}, ${s.priceCents}, ${s.currency})
      RETURNING ${columns}`),
  );
}

/** Archived services too: a booking shows the service it was made for. */
export async function findService(db: Db, id: string): Promise<Service | null> {
  return db.maybeOne(sql.type(serviceRow)`SELECT ${columns} FROM services WHERE id = ${id}`);
}

/**
 * Alphabetical, keyset-paginated on (lower(name), id) when a limit is given; archived ones only
 * when asked. `after` is the last row of the previous page (its lowercased name and id).
 */
export async function listServices(
  db: Db,
  options: { includeArchived?: boolean; limit?: number; after?: { name: string; id: string } } = {},
): Promise<(Service & { cursorKey: string })[]> {
  const conditions = [options.includeArchived ? sql.fragment`TRUE` : sql.fragment`archived_at IS NULL`];
  if (options.after)
    conditions.push(sql.fragment`(lower(name), id) > (${options.after.name}, ${options.after.id}::uuid)`);
  const limit = options.limit === undefined ? sql.fragment`` : sql.fragment`LIMIT ${options.limit}`;
  return [
    ...(await db.any(sql.type(servicePageRow)`
      SELECT ${columns}, lower(name) AS "cursorKey" FROM services
       WHERE ${sql.join(conditions, sql.fragment` AND `)} ORDER BY lower(name), id ${limit}`)),
  ];
}

/** Changes only the fields given; null clears description or price. Archived services do not change. */
export async function updateService(db: Db, id: string, patch: Partial<ServiceFields>): Promise<Service | null> {
  const sets = [sql.fragment`updated_at = now()`];
  const column = {
    name: 'name',
    description: 'description',
    durationMinutes: 'duration_minutes',
    bufferMinutes: 'buffer_minutes',
    priceCents: 'price_cents',
    currency: 'currency',
  } as const;
  for (const field of Object.keys(column) as (keyof typeof column)[]) {
    const value = patch[field];
    if (value !== undefined) sets.push(sql.fragment`${sql.identifier([column[field]])} = ${value}`);
  }
  return nameChecked(() =>
    db.maybeOne(sql.type(serviceRow)`
      UPDATE services SET ${sql.join(sets, sql.fragment`, `)} WHERE id = ${id} AND archived_at IS NULL RETURNING ${columns}`),
  );
}

/** Takes the service off the menu; null when there is no such service. Archiving twice changes nothing. */
export async function archiveService(db: Db, id: string): Promise<Service | null> {
  return db.maybeOne(sql.type(serviceRow)`
    UPDATE services SET archived_at = COALESCE(archived_at, now()), updated_at = now() WHERE id = ${id} RETURNING ${columns}`);
}

async function nameChecked<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (violatedConstraint(err, SQLSTATE.uniqueViolation) === 'services_tenant_name_key')
      throw new ServiceNameTakenError();
    throw err;
  }
}
