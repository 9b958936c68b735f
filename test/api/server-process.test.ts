// The web process as deployed: refuses bad config before listening, and exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function run(script: string, env: NodeJS.ProcessEnv) {
  // One node process with tsx's loader, as `node dist/...` runs in production: the tsx CLI would
  // put a signal-relaying parent in between.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitForOutput(proc: ReturnType<typeof run>, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (pattern.test(proc.output())) return;
    if (proc.child.exitCode !== null) throw new Error(`exited early:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${pattern}:\n${proc.output()}`);
}

it('stops before listening when the config is bad, naming every variable and no secret', async () => {
  const proc = run('src/api/server.ts', { JWT_SECRET_KEY: 'too-short-secret', ENCRYPTION_KEY: 'nope', PORT: String(await freePort()) });
  expect(await proc.exited).toBe(78);
  expect(proc.output()).toMatch(/JWT_SECRET_KEY must be at least 32 characters/);
  expect(proc.output()).toMatch(/ENCRYPTION_KEY must be a Fernet key/);
  expect(proc.output()).not.toContain('too-short-secret');
});

it('serves health and exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const proc = run('src/api/server.ts', { PORT: String(port) });
  await waitForOutput(proc, /API listening/);
  const res = await fetch(`http://127.0.0.1:${port}/api/health/`);
  expect(res.status).toBe(200);
  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  // Logs are JSON lines and never carry the database password.
  const password = new URL(process.env.DATABASE_URL as string).password;
  expect(proc.output()).not.toContain(password);
});

it('runs the worker and drains it on SIGTERM with exit 0, a repeated SIGTERM not cutting the drain short', async () => {
  const proc = run('src/worker.ts', { TEMPORAL_TASK_QUEUE: `sigterm-${Date.now()}` });
  await waitForOutput(proc, /worker started/);
  proc.child.kill('SIGTERM');
  await waitForOutput(proc, /shutdown requested/);
  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  expect(proc.output()).toMatch(/worker stopped/);
});
