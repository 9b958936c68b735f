// The words of zod's built-in messages, which the API answers in problem+json errors[].message:
// the ones it has always used (zod 3's), not zod 4's rewording. A message a schema gives itself wins.
import { z } from 'zod';
import '../src/zod-messages';

const messageOf = (schema: z.ZodType, input: unknown) =>
  schema.safeParse(input).error?.issues.map((i) => [i.path.join('.'), i.message]);

it.each<[string, z.ZodType, unknown, string]>([
  ['a missing field', z.object({ a: z.string() }), {}, 'Required'],
  ['a missing enum', z.object({ a: z.enum(['x', 'y']) }), {}, 'Required'],
  ['a wrong type', z.object({ a: z.string() }), { a: 1 }, 'Expected string, received number'],
  ['null for a number', z.object({ a: z.number() }), { a: null }, 'Expected number, received null'],
  ['a float for an integer', z.object({ a: z.number().int() }), { a: 1.5 }, 'Expected integer, received float'],
  ['a bad uuid', z.object({ a: z.guid() }), { a: 'nope' }, 'Invalid uuid'],
  ['a bad email', z.object({ a: z.email() }), { a: 'nope' }, 'Invalid email'],
  ['a bad url', z.object({ a: z.url() }), { a: 'nope' }, 'Invalid url'],
  ['a bad instant', z.object({ a: z.iso.datetime() }), { a: 'nope' }, 'Invalid datetime'],
  [
    'an empty string',
    z.object({ a: z.string().trim().min(1) }),
    { a: '  ' },
    'String must contain at least 1 character(s)',
  ],
  ['a long string', z.object({ a: z.string().max(3) }), { a: 'abcd' }, 'String must contain at most 3 character(s)'],
  [
    'a small number',
    z.object({ a: z.coerce.number().int().min(1) }),
    { a: '0' },
    'Number must be greater than or equal to 1',
  ],
  ['a big number', z.object({ a: z.number().max(100) }), { a: 101 }, 'Number must be less than or equal to 100'],
  [
    'a long array',
    z.object({ a: z.array(z.string()).max(1) }),
    { a: ['x', 'y'] },
    'Array must contain at most 1 element(s)',
  ],
  [
    'an unknown option',
    z.object({ a: z.enum(['x', 'y']) }),
    { a: 'z' },
    "Invalid enum value. Expected 'x' | 'y', received 'z'",
  ],
  ['a wrong literal', z.object({ a: z.literal('queued') }), { a: 'sent' }, 'Invalid literal value, expected "queued"'],
  ['a pattern', z.object({ a: z.string().regex(/^\d+$/) }), { a: 'x' }, 'Invalid'],
  ['a schema of its own', z.object({ a: z.string().regex(/^\d+$/, 'must be digits') }), { a: 'x' }, 'must be digits'],
])('words %s as zod 3 did', (_what, schema, input, message) => {
  expect(messageOf(schema, input)).toEqual([['a', message]]);
});
