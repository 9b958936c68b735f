// The web and worker processes as deployed: the API refuses bad config before listening, and both
// exit 0 on SIGTERM (the worker after draining).
import { freePort, runEntryPoint as run } from '../helpers/process';

it('stops before listening when the config is bad, naming every variable and no secret', async () => {
  const proc = run('src/api/server.ts', {
    JWT_SECRET_KEY: 'too-short-secret',
    ENCRYPTION_KEY: 'nope',
    PORT: String(await freePort()),
  });
  expect(await proc.exited).toBe(78);
  expect(proc.output()).toMatch(/JWT_SECRET_KEY must be at least 32 characters/);
  expect(proc.output()).toMatch(/ENCRYPTION_KEY must be a Fernet key/);
  expect(proc.output()).not.toContain('too-short-secret');
});

it('serves health and exits 0 on SIGTERM', async () => {
  const port = await freePort();
  const proc = run('src/api/server.ts', { PORT: String(port) });
  await proc.waitForOutput(/API listening/);
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
  await proc.waitForOutput(/worker started/);
  proc.child.kill('SIGTERM');
  await proc.waitForOutput(/shutdown requested/);
  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  expect(proc.output()).toMatch(/worker stopped/);
});
