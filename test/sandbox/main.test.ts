// `npm run sandbox` runs the sandbox alone and prints its URL; its defaults agree with the API's.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DEFAULT_PUBSUB_SERVICE_ACCOUNT, sandboxOptionsFromEnv } from '../../src/sandbox/options';
import { testConfig } from '../helpers/config';

const ROOT = path.resolve(__dirname, '../..');

describe('the sandbox command', () => {
  it('prints the URL it listens on, and answers there', async () => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'src/sandbox/main.ts')], {
      cwd: ROOT,
      env: { ...process.env, SANDBOX_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: tsx and the node it starts stop together
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`sandbox exited ${code}`));
        });
      });
      const res = await fetch(`${url}/_sandbox/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', url });
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });

  it('defaults to the same webhook audience, service account and Twilio signing URL as the API config', () => {
    const env = { PORT: '3456', PUBLIC_BASE_URL: undefined, GMAIL_WEBHOOK_URL: undefined, GMAIL_PUBSUB_SERVICE_ACCOUNT: undefined };
    const config = testConfig(env);
    const options = sandboxOptionsFromEnv({ ...process.env, ...env, SANDBOX_API_URL: undefined });
    expect(options.gmailWebhookUrl).toBe(config.google.webhookUrl);
    expect(options.pubsubServiceAccount).toBe(config.google.pubsubServiceAccount);
    expect(DEFAULT_PUBSUB_SERVICE_ACCOUNT).toBe(config.google.pubsubServiceAccount);
    expect(options.publicBaseUrl).toBe(config.http.publicBaseUrl);
    expect(options.apiUrl).toBe('http://127.0.0.1:3456');
  });
});

describe('the stack sandbox', () => {
  // Under `npm test` the stack starts one before jest and exports SANDBOX_URL.
  const url = process.env.SANDBOX_URL;
  (url ? it : it.skip)('is up at SANDBOX_URL and delivers to the API the stack started', async () => {
    const res = await fetch(`${url}/_sandbox/health`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { apiUrl: string }).apiUrl).toBe(`http://127.0.0.1:${process.env.PORT}`);
  });
});
