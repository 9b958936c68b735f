// A provider sandbox per test file, on its own port, with a small HTTP server standing in for
// the API's webhook routes (it records what the sandbox delivers). Provider calls go through the
// official SDKs over real sockets, exactly as in sandbox mode.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../src/config';
import { UpstreamError } from '../../src/errors';
import { createGoogleOAuth } from '../../src/providers/google/oauth';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/server';
import { testConfig } from './config';

export interface Delivered {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: Delivered[];
  /** The status the next deliveries get (200 by default). */
  respondWith(status: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const received: Delivered[] = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(status, { 'Content-Type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith: (s) => {
      status = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SandboxHarness {
  url: string;
  running: RunningSandbox;
  receiver: WebhookReceiver;
  /** Config in sandbox mode pointing at this sandbox, its webhooks at the receiver. */
  config: Config;
  control(method: string, path: string, json?: unknown): Promise<{ status: number; body: any }>;
  fault(fault: {
    provider: string;
    status: number;
    count?: number;
    delayMs?: number;
    body?: unknown;
    headers?: Record<string, string | null>;
    after?: boolean;
  }): Promise<void>;
  sent(provider: string): Promise<any[]>;
  /** Ends every fault delay in progress now (POST /_sandbox/faults/release); how many it ended. */
  release(): Promise<number>;
  /** Requests the sandbox saw for a provider, faults included. */
  requests(provider: string): Promise<{ method: string; path: string; status: number; fault: boolean; at: string }[]>;
  /** Runs Google's consent flow for a mailbox (consent URL → callback code → token exchange). */
  connectMailbox(email: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * `apiUrl`: deliver webhooks to a real API there (end-to-end tests) instead of to the recording
 * receiver.
 */
export async function startTestSandbox(
  env: Record<string, string | undefined> = {},
  options: { apiUrl?: string } = {},
): Promise<SandboxHarness> {
  const receiver = await startReceiver();
  const apiUrl = options.apiUrl ?? receiver.url;
  const stripeWebhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const twilioAuthToken = randomBytes(16).toString('hex');
  const running = await startSandbox({
    apiUrl,
    publicBaseUrl: apiUrl,
    stripeWebhookSecret,
    twilioAuthToken,
  });
  const config = testConfig({
    SANDBOX: '1',
    SANDBOX_URL: running.url,
    PUBLIC_BASE_URL: apiUrl,
    GMAIL_WEBHOOK_URL: undefined,
    GMAIL_PUBSUB_SERVICE_ACCOUNT: undefined,
    STRIPE_WEBHOOK_SECRET: stripeWebhookSecret,
    TWILIO_AUTH_TOKEN: twilioAuthToken,
    TWILIO_ACCOUNT_SID: undefined,
    TWILIO_FROM_NUMBER: undefined,
    TWILIO_MESSAGING_SERVICE_SID: undefined,
    ...env,
  });

  const control = async (method: string, path: string, json?: unknown) => {
    const res = await fetch(running.url + path, {
      method,
      ...(json !== undefined ? { body: JSON.stringify(json), headers: { 'Content-Type': 'application/json' } } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  return {
    url: running.url,
    running,
    receiver,
    config,
    control,
    async fault(fault) {
      const res = await control('POST', '/_sandbox/faults', fault);
      if (res.status !== 201) throw new Error(`fault refused: ${JSON.stringify(res.body)}`);
    },
    async sent(provider) {
      return (await control('GET', `/_sandbox/sent?provider=${provider}`)).body.items;
    },
    async release() {
      return (await control('POST', '/_sandbox/faults/release')).body.released;
    },
    async requests(provider) {
      return (await control('GET', `/_sandbox/requests?provider=${provider}`)).body.items;
    },
    async connectMailbox(email) {
      const oauth = createGoogleOAuth(config);
      const consent = await fetch(oauth.consentUrl({ state: 'test-state', loginHint: email }), { redirect: 'manual' });
      const location = new URL(consent.headers.get('location') ?? '');
      const code = location.searchParams.get('code');
      if (consent.status !== 302 || !code) throw new Error(`consent did not redirect with a code (${consent.status})`);
      return (await oauth.exchangeCode(code)).refreshToken;
    },
    async close() {
      await running.close();
      await receiver.close();
    },
  };
}

export { eventually } from './eventually';

/** The UpstreamError a promise rejects with (fails the test if it resolves). */
export async function upstreamFailure(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UpstreamError) return err;
    throw err;
  }
  throw new Error('expected the call to fail with an UpstreamError');
}
