// What the sandbox needs to know about the API it stands beside: where to deliver provider
// events, and the secrets and identities the API will check them against.
import { z } from 'zod';
import { SANDBOX_CREDENTIALS } from '../providers/sandbox-credentials';

export interface SandboxOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Where webhooks are POSTed (the API's own base URL, reachable from the sandbox). */
  apiUrl: string;
  /** The URL the API believes it is served at: Twilio signs against it. */
  publicBaseUrl: string;
  stripeWebhookSecret: string | undefined;
  /** Checked on the SDK's Basic auth and used to sign inbound SMS and status callbacks. */
  twilioAuthToken: string;
  twilioAccountSid: string;
  /** The Gmail push endpoint: the audience of the push's OIDC token. */
  gmailWebhookUrl: string;
  pubsubServiceAccount: string;
  pubsubSubscription: string;
  /** A line of human-readable log; silent by default. */
  log: (line: string) => void;
}

// These defaults match src/config.ts, so a sandbox started alone agrees with an API started
// with the same environment (test/sandbox/options.test.ts keeps them in step).
export const DEFAULT_PUBSUB_SERVICE_ACCOUNT = 'gmail-push@frontdesk-local.iam.gserviceaccount.com';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  SANDBOX_HOST: optional,
  SANDBOX_PORT: optional.refine((v) => v === undefined || /^\d+$/.test(v), 'must be a port number'),
  SANDBOX_API_URL: optional.refine((v) => v === undefined || /^https?:\/\//.test(v), 'must be an http(s) URL'),
  PUBLIC_BASE_URL: optional,
  PORT: optional,
  STRIPE_WEBHOOK_SECRET: optional,
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_ACCOUNT_SID: optional,
  GMAIL_WEBHOOK_URL: optional,
  GMAIL_PUBSUB_SERVICE_ACCOUNT: optional,
});

export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv): SandboxOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid sandbox configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])} ${i.message}`).join('; ')}`,
    );
  }
  const e = parsed.data;
  const apiPort = e.PORT ?? '3000';
  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${apiPort}`).replace(/\/$/, '');
  return sandboxOptions({
    host: e.SANDBOX_HOST ?? '127.0.0.1',
    port: e.SANDBOX_PORT === undefined ? 4010 : Number(e.SANDBOX_PORT),
    apiUrl: e.SANDBOX_API_URL ?? `http://127.0.0.1:${apiPort}`,
    publicBaseUrl,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    ...(e.TWILIO_AUTH_TOKEN ? { twilioAuthToken: e.TWILIO_AUTH_TOKEN } : {}),
    ...(e.TWILIO_ACCOUNT_SID ? { twilioAccountSid: e.TWILIO_ACCOUNT_SID } : {}),
    ...(e.GMAIL_WEBHOOK_URL ? { gmailWebhookUrl: e.GMAIL_WEBHOOK_URL } : {}),
    ...(e.GMAIL_PUBSUB_SERVICE_ACCOUNT ? { pubsubServiceAccount: e.GMAIL_PUBSUB_SERVICE_ACCOUNT } : {}),
    log: (line) => process.stdout.write(`${line}\n`),
  });
}

/** Fills in every default from the API's URL. */
export function sandboxOptions(given: Partial<SandboxOptions> & Pick<SandboxOptions, 'apiUrl'>): SandboxOptions {
  const apiUrl = given.apiUrl.replace(/\/$/, '');
  const publicBaseUrl = (given.publicBaseUrl ?? apiUrl).replace(/\/$/, '');
  return {
    host: given.host ?? '127.0.0.1',
    port: given.port ?? 0,
    apiUrl,
    publicBaseUrl,
    stripeWebhookSecret: given.stripeWebhookSecret,
    twilioAuthToken: given.twilioAuthToken ?? SANDBOX_CREDENTIALS.twilioAuthToken,
    twilioAccountSid: given.twilioAccountSid ?? SANDBOX_CREDENTIALS.twilioAccountSid,
    gmailWebhookUrl: given.gmailWebhookUrl ?? `${publicBaseUrl}/api/gmail/webhook`,
    pubsubServiceAccount: given.pubsubServiceAccount ?? DEFAULT_PUBSUB_SERVICE_ACCOUNT,
    pubsubSubscription: given.pubsubSubscription ?? 'projects/frontdesk-local/subscriptions/gmail-push',
    log: given.log ?? (() => undefined),
  };
}
