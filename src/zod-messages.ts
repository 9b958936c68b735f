// The wording of zod's built-in messages. The API answers them in problem+json `errors[].message`
// ("Required", "Invalid uuid", "String must contain at least 1 character(s)"), and clients and
// tests read them: zod 4 reworded every one ("Invalid input: expected string, received
// undefined"), so this error map keeps the words the API has always used (zod 3's). Messages a
// schema gives itself (`.refine(…, 'must be base64')`, `{ message }`) take precedence over it;
// an issue it does not word falls through to zod's own English.
//
// Imported for its effect (zod's configuration is global) by whatever turns zod issues into
// answers: the API's validation layer, the sandbox, and every process's boot.
import { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

/** The names zod 3 gave to what it received. */
function receivedType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number') return Number.isNaN(input) ? 'nan' : 'number';
  if (input instanceof Date) return 'date';
  if (input instanceof Map) return 'map';
  if (input instanceof Set) return 'set';
  if (input instanceof Promise) return 'promise';
  return typeof input;
}

/** zod 3 listed options as 'a' | 'b', quoting strings only. */
function joinValues(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' | ');
}

const EXPECTED: Record<string, string> = { int: 'integer', record: 'object', tuple: 'array' };

function schemaType(issue: Issue): string | undefined {
  const owner = issue.inst ?? issue.schema;
  return owner && 'def' in owner._zod ? (owner._zod.def as { type?: string }).type : undefined;
}

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>): string | undefined {
  const { exact, inclusive, minimum } = issue;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `Array must contain ${exact ? 'exactly' : inclusive ? 'at least' : 'more than'} ${minimum} element(s)`;
    case 'string':
      return `String must contain ${exact ? 'exactly' : inclusive ? 'at least' : 'over'} ${minimum} character(s)`;
    case 'number':
    case 'int':
    case 'bigint':
      return `Number must be ${exact ? 'exactly equal to ' : inclusive ? 'greater than or equal to ' : 'greater than '}${minimum}`;
    case 'date':
      return `Date must be ${exact ? 'exactly equal to ' : inclusive ? 'greater than or equal to ' : 'greater than '}${new Date(Number(minimum))}`;
    default:
      return undefined;
  }
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>): string | undefined {
  const { exact, inclusive, maximum } = issue;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `Array must contain ${exact ? 'exactly' : inclusive ? 'at most' : 'less than'} ${maximum} element(s)`;
    case 'string':
      return `String must contain ${exact ? 'exactly' : inclusive ? 'at most' : 'under'} ${maximum} character(s)`;
    case 'number':
    case 'int':
      return `Number must be ${exact ? 'exactly' : inclusive ? 'less than or equal to' : 'less than'} ${maximum}`;
    case 'bigint':
      return `BigInt must be ${exact ? 'exactly' : inclusive ? 'less than or equal to' : 'less than'} ${maximum}`;
    case 'date':
      return `Date must be ${exact ? 'exactly' : inclusive ? 'smaller than or equal to' : 'smaller than'} ${new Date(Number(maximum))}`;
    default:
      return undefined;
  }
}

function invalidFormat(issue: Extract<Issue, { code: 'invalid_format' }>): string {
  switch (issue.format) {
    case 'regex':
      return 'Invalid';
    case 'starts_with':
      return `Invalid input: must start with "${String(issue.prefix)}"`;
    case 'ends_with':
      return `Invalid input: must end with "${String(issue.suffix)}"`;
    case 'includes':
      return `Invalid input: must include "${String(issue.includes)}"`;
    case 'guid':
      return 'Invalid uuid';
    default:
      return `Invalid ${issue.format}`;
  }
}

export function zod3Message(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Required';
      if (issue.expected === 'int' && typeof issue.input === 'number') return 'Expected integer, received float';
      if (issue.expected === 'date' && issue.input instanceof Date) return 'Invalid date';
      if (issue.expected === 'number' && (issue.input === Infinity || issue.input === -Infinity))
        return 'Number must be finite';
      return `Expected ${EXPECTED[issue.expected] ?? issue.expected}, received ${receivedType(issue.input)}`;
    case 'invalid_value':
      if (schemaType(issue) === 'literal')
        return `Invalid literal value, expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}`;
      if (issue.input === undefined) return 'Required';
      return typeof issue.input === 'string'
        ? `Invalid enum value. Expected ${joinValues(issue.values)}, received '${issue.input}'`
        : `Expected ${joinValues(issue.values)}, received ${receivedType(issue.input)}`;
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_format':
      return invalidFormat(issue);
    case 'unrecognized_keys':
      return `Unrecognized key(s) in object: ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'not_multiple_of':
      return `Number must be a multiple of ${issue.divisor}`;
    default:
      // invalid_union, custom…: zod 4's words are zod 3's ("Invalid input", "Invalid discriminator value…").
      return undefined;
  }
}

z.config({ customError: zod3Message });
