// The OpenAPI document through the tools an API user brings: the Redocly linter finds no error and
// no warning with its recommended rules (redocly.yaml), and the TypeScript SDK that
// `npm run client:generate` makes compiles together with a small program that then signs up, adds
// a client and reads it back through the SDK against the running API.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApi, type RunningApi } from '../helpers/api';
import { request } from '../helpers/http';

const ROOT = path.resolve(__dirname, '../..');
let api: RunningApi;
let dir: string;
let documentFile: string;

function run(command: string, args: string[], cwd = ROOT): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

beforeAll(async () => {
  api = await startApi();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-openapi-'));
  const res = await request(api.server, 'GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  documentFile = path.join(dir, 'openapi.json');
  fs.writeFileSync(documentFile, JSON.stringify(res.body, null, 2));
});
afterAll(async () => {
  await api?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('passes the Redocly linter with the recommended rules', async () => {
  const { code, output } = await run(bin('redocly'), [
    'lint',
    documentFile,
    '--config',
    path.join(ROOT, 'redocly.yaml'),
    '--format',
    'stylish',
  ]);
  expect({ code, output }).toMatchObject({ code: 0 });
  // Warnings fail too.
  expect(output).not.toMatch(/\bwarning\b/);
  expect(output).toMatch(/Your API description is valid/);
}, 60_000);

it('generates a TypeScript SDK that compiles and works against the API', async () => {
  const baseUrl = api.server.url;
  const out = path.join(dir, 'sdk');
  const generated = await run(process.execPath, [
    '--import',
    'tsx',
    'scripts/openapi/generate-client.mts',
    '--from',
    `${baseUrl}/api/openapi.json`,
    '--out',
    out,
  ]);
  expect(generated).toMatchObject({ code: 0 });
  expect(fs.existsSync(path.join(out, 'sdk.gen.ts'))).toBe(true);

  // What an integrator writes: typed calls named by operationId, errors typed as problems.
  fs.writeFileSync(
    path.join(dir, 'program.ts'),
    `import { client } from './sdk/client.gen.js';
import { createClient, getClient, listClients, registerBusiness } from './sdk/index.js';
const [baseUrl, email] = process.argv.slice(2) as [string, string];
client.setConfig({ baseUrl });
const signedUp = await registerBusiness({ body: { businessName: 'Generated Salon', email, password: 'correct horse battery staple' }, throwOnError: true });
const token: string = signedUp.data.accessToken;
const auth = { auth: token };
const created = await createClient({ ...auth, body: { name: 'Ada Lovelace', email: 'ada@example.com' }, throwOnError: true });
const id: string = created.data.id;
const page = await listClients({ ...auth, query: { limit: 10 }, throwOnError: true });
const missing = await getClient({ ...auth, path: { id: '00000000-0000-4000-8000-000000000000' } });
const status: number | undefined = missing.response?.status;
const detail: string | undefined = missing.error?.detail;
console.log(JSON.stringify({ id, names: page.data.items.map((c) => c.name), status, detail }));
`,
  );
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['es2022', 'dom'],
        strict: true,
        noEmitOnError: true,
        outDir: 'dist',
        typeRoots: [path.join(ROOT, 'node_modules/@types')],
        types: ['node'],
      },
      include: ['program.ts', 'sdk/**/*.ts'],
    }),
  );
  const compiled = await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], dir);
  expect(compiled).toMatchObject({ code: 0, output: '' });

  const ran = await run(
    process.execPath,
    [path.join(dir, 'dist/program.js'), baseUrl, `owner-${Date.now()}@generated.example`],
    dir,
  );
  expect(ran).toMatchObject({ code: 0 });
  const result = JSON.parse(ran.output.trim().split('\n').pop() as string);
  expect(result).toMatchObject({ names: ['Ada Lovelace'], status: 404, detail: 'No such client' });
  expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
}, 120_000);
