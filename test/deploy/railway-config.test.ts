// The Railway deploy as code: one config file per service (railway.json for the web service, the
// file Railway reads by default; railway.worker.json for the worker, named in that service's
// settings). Each starts the entry point `npm run build` writes for its process (the same one the
// Procfile and package.json name), the web one alone migrates first and is health-checked, and
// Railway waits longer between SIGTERM and SIGKILL than each process takes to drain.
import fs from 'node:fs';
import path from 'node:path';
import { API_DRAIN_TIMEOUT_MS } from '../../src/api/drain';
import { envSchema } from '../../src/config';
import { TASK_QUEUE_KINDS } from '../../src/temporal/task-queues';

const ROOT = path.resolve(__dirname, '../..');
const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const web = readJson('railway.json');
const worker = readJson('railway.worker.json');
const pkg = readJson('package.json');
const procfile: Record<string, string> = Object.fromEntries(
  fs
    .readFileSync(path.join(ROOT, 'Procfile'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
);

/** Past the drain itself: closing the pool and the Temporal connection, activities answering their cancellation. */
const CLOSE_MARGIN_MS = 10_000;

/** A command as Railpack runs it, in a shell: leading NAME=value assignments, an optional exec, then the program. */
function parseCommand(command: string): { env: Record<string, string>; argv: string[] } {
  const words = command.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  if (words[0] === 'exec') words.shift();
  return { env, argv: words };
}

/** The source file tsc compiles to a built entry point (tsconfig.build.json: outDir mirrors rootDir). */
function sourceOf(builtEntry: string): string {
  const build = readJson('tsconfig.build.json');
  const base = readJson(build.extends as string);
  const options = { ...base.compilerOptions, ...build.compilerOptions };
  const relative = path.relative(options.outDir, builtEntry);
  expect(relative.startsWith('..')).toBe(false);
  const source = path.join(options.rootDir, relative).replace(/\.js$/, '.ts');
  expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
  expect((build.include as string[]).some((dir) => source === dir || source.startsWith(`${dir}/`))).toBe(true);
  return source;
}

/** `node <entry>` → entry, for a command that runs node directly (so SIGTERM reaches the process). */
function nodeEntry(command: string): string {
  const { argv } = parseCommand(command);
  expect(argv).toHaveLength(2);
  expect(argv[0]).toBe('node');
  return argv[1]!;
}

it('builds both services with Railpack from the same build, and no Nixpacks file is left', () => {
  for (const service of [web, worker]) {
    expect(service.build).toEqual({ builder: 'RAILPACK', buildCommand: 'npm run build' });
  }
  expect(fs.existsSync(path.join(ROOT, 'nixpacks.toml'))).toBe(false);
});

it('starts the built API in the web service, migrates before each deploy and checks readiness', () => {
  const entry = nodeEntry(web.deploy.startCommand);
  expect(entry).toBe(nodeEntry(pkg.scripts['start:web']));
  expect(entry).toBe(nodeEntry(procfile.web!));
  expect(sourceOf(entry)).toBe('src/api/server.ts');

  expect(web.deploy.preDeployCommand).toHaveLength(1);
  const migration = nodeEntry(web.deploy.preDeployCommand[0]);
  expect(migration).toBe(nodeEntry(pkg.scripts['start:release']));
  expect(migration).toBe(nodeEntry(procfile.release!));
  expect(sourceOf(migration)).toBe('src/db/migrate-cli.ts');

  expect(web.deploy.healthcheckPath).toBe('/api/health/');
});

it("trusts the one proxy hop of Railway's edge unless the service sets TRUST_PROXY_HOPS", () => {
  const { env } = parseCommand(web.deploy.startCommand);
  const fallback = /^\$\{TRUST_PROXY_HOPS:-(\d+)\}$/.exec(env.TRUST_PROXY_HOPS ?? '')?.[1];
  expect(fallback).toBe('1');
  expect(envSchema.parse({ TRUST_PROXY_HOPS: fallback }).TRUST_PROXY_HOPS).toBe(1);
});

it('starts the built worker in the worker service, with no health check and no migration', () => {
  const entry = nodeEntry(worker.deploy.startCommand);
  expect(entry).toBe(nodeEntry(pkg.scripts['start:worker']));
  expect(entry).toBe(nodeEntry(procfile.worker!));
  expect(sourceOf(entry)).toBe('src/worker.ts');
  expect(parseCommand(worker.deploy.startCommand).env).toEqual({});
  expect(worker.deploy.healthcheckPath).toBeNull();
  expect(worker.deploy).not.toHaveProperty('preDeployCommand');
});

it('has a Procfile entry per kind of task queue, each the worker polling only that kind', () => {
  for (const kind of TASK_QUEUE_KINDS) {
    const command = procfile[`worker-${kind}`];
    expect(command).toBeDefined();
    expect(parseCommand(command!).env).toEqual({ WORKER_TASK_QUEUES: kind });
    expect(nodeEntry(command!)).toBe(nodeEntry(procfile.worker!));
    expect(envSchema.parse({ WORKER_TASK_QUEUES: kind }).WORKER_TASK_QUEUES).toEqual([kind]);
  }
});

it("lets each process drain before Railway's SIGKILL", () => {
  // Railway's parser takes a number here (a string fails the deploy).
  expect(typeof web.deploy.drainingSeconds).toBe('number');
  expect(typeof worker.deploy.drainingSeconds).toBe('number');
  expect(web.deploy.drainingSeconds * 1000).toBeGreaterThanOrEqual(API_DRAIN_TIMEOUT_MS + CLOSE_MARGIN_MS);
  const workerGraceMs = envSchema.parse({}).WORKER_SHUTDOWN_GRACE_MS;
  expect(worker.deploy.drainingSeconds * 1000).toBeGreaterThanOrEqual(workerGraceMs + CLOSE_MARGIN_MS);
});

it('deploys on the Node the project is tested on: Railpack reads engines.node first, then .nvmrc', () => {
  const nvmrc = fs.readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim();
  // Railpack asks mise for the first version number in engines.node ("24" from ">=24").
  expect(/\d+(\.\d+){0,2}/.exec(pkg.engines.node)?.[0]).toBe(nvmrc);
  expect(nvmrc).toBe('24');
});
