// .env.example documents every variable the config reads (and the dev/test stack's own), each
// with a comment saying what it is for.
import fs from 'node:fs';
import path from 'node:path';
import { envSchema } from '../src/config';

/** Read by scripts/stack (the two commands), not by the app's config. */
const STACK_VARIABLES = [
  'DATA_DIR',
  'PGPORT',
  'TEMPORAL_PORT',
  'TEMPORAL_UI_PORT',
  'SANDBOX_PORT',
  'SANDBOX_HOST',
  'SANDBOX_API_URL',
];

it('lists every config variable, each with a comment', () => {
  const lines = fs.readFileSync(path.resolve(__dirname, '../.env.example'), 'utf8').split('\n');
  const entries = lines.flatMap((line) => {
    const m = /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(line);
    return m ? [{ name: m[1] as string, line }] : [];
  });
  const documented = entries.map((e) => e.name);
  expect([...new Set(documented)]).toEqual(expect.arrayContaining(Object.keys(envSchema.shape)));
  expect(documented.filter((name) => !(name in envSchema.shape) && !STACK_VARIABLES.includes(name))).toEqual([]);
  expect(entries.filter((e) => !/=\S*\s+#\s*\S/.test(e.line) && !/^#/.test(e.line)).map((e) => e.name)).toEqual([]);
});
