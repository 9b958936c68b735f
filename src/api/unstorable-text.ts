// Text Postgres cannot store: a NUL character (text columns refuse it outright, failing the
// whole statement) and a lone UTF-16 surrogate (not valid Unicode; it would be stored silently
// changed to U+FFFD). Checked once for every request's params, query and body, before any schema,
// so no route can forget it and no transform (a phone number's) can quietly drop it.
import type { FieldProblem } from '../errors';

// eslint-disable-next-line no-control-regex -- NUL is exactly the character looked for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const MESSAGE = 'contains a character that cannot be stored (NUL or an unpaired surrogate)';

/** Every string (value or key) in `value` that cannot be stored, by its dotted path. */
export function unstorableText(value: unknown, path: string[] = []): FieldProblem[] {
  if (typeof value === 'string')
    return UNSTORABLE.test(value) ? [{ path: path.join('.') || '(body)', message: MESSAGE }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableText(item, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      UNSTORABLE.test(key)
        ? [{ path: [...path, key].join('.'), message: MESSAGE }]
        : unstorableText(item, [...path, key]),
    );
  }
  return [];
}
