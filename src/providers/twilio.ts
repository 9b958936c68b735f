// Twilio SMS: send with a delivery-status callback, and verify the signature Twilio puts on the
// webhooks it sends us. The SDK has no base-URL option, so sandbox mode swaps in a request client
// that sends the same requests to the sandbox's origin.
import twilio from 'twilio';
import type Response from 'twilio/lib/http/response';
import type { Config } from '../config';
import { ServiceUnavailableError } from '../errors';
import { classifyTwilioError } from './errors/twilio';
import { requireIntegration } from './integration';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials';

export const DEFAULT_TWILIO_TIMEOUT_MS = 30_000;

export interface SentSms {
  sid: string;
  status: string;
  to: string;
  from: string | null;
}

export interface Sms {
  /**
   * Sends one SMS. A failure whose answer was lost (5xx, timeout) is `maybe_sent` and not
   * retryable: Twilio has no idempotency key, so the caller must not resend blindly.
   */
  send(input: { to: string; body: string; statusCallback?: string }): Promise<SentSms>;
  /**
   * A message we created to `to` with exactly this body since `since`, if Twilio has one: what a
   * retry checks after a `maybe_sent` failure before it sends again.
   */
  findSent(input: { to: string; body: string; since: Date }): Promise<SentSms | null>;
}

export interface TwilioOptions {
  timeoutMs?: number;
}

type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>['request']>[0] & { data?: TData };

/** Sends every request of the official client to the sandbox instead of Twilio's hosts. */
export class SandboxRequestClient extends twilio.RequestClient {
  constructor(
    private readonly origin: string,
    options: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(options);
  }

  override request<TData>(opts: RequestOptions<TData>): Promise<Response<TData>> {
    const url = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.origin}${url.pathname}${url.search}` });
  }
}

export function createTwilio(config: Config, options: TwilioOptions = {}): Sms {
  const mode = requireIntegration(config, 'twilio');
  const timeout = options.timeoutMs ?? DEFAULT_TWILIO_TIMEOUT_MS;
  const sandbox = mode === 'sandbox';
  const accountSid = config.twilio.accountSid ?? SANDBOX_CREDENTIALS.twilioAccountSid;
  const authToken = config.twilio.authToken ?? SANDBOX_CREDENTIALS.twilioAuthToken;
  const sender = config.twilio.messagingServiceSid
    ? { messagingServiceSid: config.twilio.messagingServiceSid }
    : { from: config.twilio.fromNumber ?? SANDBOX_CREDENTIALS.twilioFromNumber };
  const client = twilio(accountSid, authToken, {
    autoRetry: false,
    timeout,
    ...(sandbox
      ? { httpClient: new SandboxRequestClient(new URL(config.sandbox.url).origin, { autoRetry: false, timeout }) }
      : {}),
  });

  return {
    async send({ to, body, statusCallback }) {
      try {
        const message = await client.messages.create({
          to,
          body,
          ...sender,
          ...(statusCallback ? { statusCallback } : {}),
        });
        return { sid: message.sid, status: message.status, to: message.to, from: message.from };
      } catch (err) {
        throw classifyTwilioError({ operation: 'messages.create', creates: true }, err);
      }
    },

    async findSent({ to, body, since }) {
      try {
        // Newest first; a queued message has no date_sent yet, so the window is applied to date_created.
        const recent = await client.messages.list({
          to,
          ...('from' in sender ? { from: sender.from } : {}),
          limit: 50,
        });
        // Twilio's dates have whole seconds: a message created in the same second as `since` counts.
        const from = Math.floor(since.getTime() / 1000) * 1000;
        const match = recent.find(
          (m) => m.body === body && m.direction.startsWith('outbound') && m.dateCreated.getTime() >= from,
        );
        return match ? { sid: match.sid, status: match.status, to: match.to, from: match.from } : null;
      } catch (err) {
        throw classifyTwilioError({ operation: 'messages.list', creates: false }, err);
      }
    },
  };
}

export interface TwilioSignatureValidator {
  /** True when X-Twilio-Signature matches the full public URL and the POSTed form fields. */
  isValid(signature: string | undefined, url: string, params: Record<string, string>): boolean;
}

export function createTwilioSignatureValidator(config: Config): TwilioSignatureValidator {
  const mode = config.integrations.twilio;
  const authToken = config.twilio.authToken ?? (mode === 'sandbox' ? SANDBOX_CREDENTIALS.twilioAuthToken : undefined);
  if (!authToken) throw new ServiceUnavailableError('Twilio webhooks are not configured: set TWILIO_AUTH_TOKEN');
  return {
    isValid(signature, url, params) {
      return Boolean(signature) && twilio.validateRequest(authToken, signature as string, url, params);
    },
  };
}
