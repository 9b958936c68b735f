import { z } from 'zod';
import { sql, type Db } from './sql';

export const clientRow = z.object({
  id: z.guid(),
  tenantId: z.guid(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  timezone: z.string().nullable(),
  notes: z.string().nullable(),
  smsConsent: z.boolean(),
  smsConsentAt: z.date().nullable(),
  smsConsentSource: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Client = z.infer<typeof clientRow>;

const COLUMNS = sql.fragment`id, tenant_id AS "tenantId", name, email, phone, timezone, notes, sms_consent AS "smsConsent",
  sms_consent_at AS "smsConsentAt", sms_consent_source AS "smsConsentSource", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A consent change is stored with when and how it was given or withdrawn. */
export interface SmsConsentChange {
  granted: boolean;
  source: string;
}

export interface ClientFields {
  name: string;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  notes: string | null;
}

export async function insertClient(
  db: Db,
  tenantId: string,
  client: ClientFields & { smsConsent: SmsConsentChange | null },
): Promise<Client> {
  const consent = client.smsConsent;
  return db.one(sql.type(clientRow)`
    INSERT INTO clients (tenant_id, name, email, phone, timezone, notes, sms_consent, sms_consent_at, sms_consent_source)
    VALUES (${tenantId}, ${client.name}, ${client.email}, ${client.phone}, ${client.timezone}, ${client.notes},
            ${consent?.granted ?? false}, ${consent ? sql.fragment`now()` : null}, ${consent?.source ?? null})
    RETURNING ${COLUMNS}`);
}

export async function findClient(db: Db, id: string): Promise<Client | null> {
  return db.maybeOne(sql.type(clientRow)`SELECT ${COLUMNS} FROM clients WHERE id = ${id}`);
}

const LIKE_SPECIALS = /[\\%_]/g;

const clientPageRow = clientRow.extend({ cursorKey: z.string() });

/** Alphabetical, keyset-paginated on (lower(name), id); `search` matches name, email or phone. */
export async function listClients(
  db: Db,
  query: { search?: string; limit: number; after?: { name: string; id: string } },
): Promise<readonly (Client & { cursorKey: string })[]> {
  const conditions = [sql.fragment`TRUE`];
  if (query.search) {
    const pattern = `%${query.search.replace(LIKE_SPECIALS, (c) => `\\${c}`)}%`;
    conditions.push(sql.fragment`(name ILIKE ${pattern} OR email ILIKE ${pattern} OR phone ILIKE ${pattern})`);
  }
  if (query.after) conditions.push(sql.fragment`(lower(name), id) > (${query.after.name}, ${query.after.id}::uuid)`);
  return db.any(sql.type(clientPageRow)`
    SELECT ${COLUMNS}, lower(name) AS "cursorKey"
      FROM clients
     WHERE ${sql.join(conditions, sql.fragment` AND `)}
     ORDER BY lower(name), id
     LIMIT ${query.limit}`);
}

/** Changes only the fields given; null clears an optional field. */
export async function updateClient(
  db: Db,
  id: string,
  patch: Partial<ClientFields> & { smsConsent?: SmsConsentChange },
): Promise<Client | null> {
  const sets = [sql.fragment`updated_at = now()`];
  for (const column of ['name', 'email', 'phone', 'timezone', 'notes'] as const) {
    const value = patch[column];
    if (value !== undefined) sets.push(sql.fragment`${sql.identifier([column])} = ${value}`);
  }
  if (patch.smsConsent) {
    sets.push(
      sql.fragment`sms_consent = ${patch.smsConsent.granted}`,
      sql.fragment`sms_consent_at = now()`,
      sql.fragment`sms_consent_source = ${patch.smsConsent.source}`,
    );
  }
  return db.maybeOne(sql.type(clientRow)`
    UPDATE clients SET ${sql.join(sets, sql.fragment`, `)} WHERE id = ${id} RETURNING ${COLUMNS}`);
}

export async function deleteClient(db: Db, id: string): Promise<boolean> {
  const result = await db.query(sql.typeAlias('void')`DELETE FROM clients WHERE id = ${id}`);
  return result.rowCount > 0;
}

/** The tenant's clients at this number (E.164), oldest first. */
export async function findClientsByPhone(db: Db, phone: string): Promise<readonly Client[]> {
  return db.any(sql.type(clientRow)`SELECT ${COLUMNS} FROM clients WHERE phone = ${phone} ORDER BY created_at, id`);
}
