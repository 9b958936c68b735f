// Which constraint a failed statement broke, read from the PostgreSQL error itself (SQLSTATE and
// constraint name), wherever the driver or slonik wrapped it: a db module turns the ones it
// expects into typed errors the routes answer with a 409.
export const SQLSTATE = {
  uniqueViolation: '23505',
  exclusionViolation: '23P01',
} as const;

/** The name of the constraint `err` violated with that SQLSTATE, or null for any other error. */
export function violatedConstraint(err: unknown, sqlstate: string): string | null {
  const fields = postgresFields(err);
  return fields.code === sqlstate ? fields.constraint : null;
}

/** The SQLSTATE of a PostgreSQL error however wrapped, or null for an error that has none (a lost connection, say). */
export function sqlstateOf(err: unknown): string | null {
  return postgresFields(err).code;
}

function postgresFields(err: unknown): { code: string | null; constraint: string | null } {
  let code: string | null = null;
  let constraint: string | null = null;
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const fields = e as { code?: unknown; constraint?: unknown };
    if (typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code)) code ??= fields.code;
    if (typeof fields.constraint === 'string') constraint ??= fields.constraint;
  }
  return { code, constraint };
}
