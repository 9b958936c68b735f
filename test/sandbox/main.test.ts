// `npm run sandbox` runs the sandbox alone and prints its URL; its defaults agree with the API's.
import { DEFAULT_PUBSUB_SERVICE_ACCOUNT, sandboxOptionsFromEnv } from '../../src/sandbox/options';
import { testConfig } from '../helpers/config';
import { runEntryPoint } from '../helpers/process';

describe('the sandbox command', () => {
  it('prints the URL it listens on, answers there, and exits 0 on SIGTERM', async () => {
    const sandbox = runEntryPoint('src/sandbox/main.ts', { SANDBOX_PORT: '0' });
    try {
      await sandbox.waitForOutput(/listening on http:\/\/\S+/, 30_000);
      const url = /listening on (http:\/\/\S+)/.exec(sandbox.output())?.[1];
      const res = await fetch(`${url}/_sandbox/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', url });
    } finally {
      sandbox.child.kill('SIGTERM');
    }
    expect(await sandbox.exited).toBe(0);
  });

  it('defaults to the same webhook audience, service account and Twilio signing URL as the API config', () => {
    const env = {
      PORT: '3456',
      PUBLIC_BASE_URL: undefined,
      GMAIL_WEBHOOK_URL: undefined,
      GMAIL_PUBSUB_SERVICE_ACCOUNT: undefined,
    };
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
