// Do Stripe, Twilio and Claude answer in the mode config gives them? One cheap, read-only (or, for
// Claude, tiny) call each, through src/providers and the same keys every tenant's work uses. The
// answer is the same for every tenant of a deployment, so a worker reuses it for a few minutes
// instead of calling each provider once per tenant per pass.
import type { Config, IntegrationName } from '../config';
import type { GuardianCheck } from '../domain/guardian';
import { UpstreamError } from '../errors';
import { createClaude } from '../providers/claude';
import { missingVariables } from '../providers/integration';
import { createStripe } from '../providers/stripe';
import { createTwilio } from '../providers/twilio';
import { SANDBOX_CREDENTIALS } from '../providers/sandbox-credentials';

export type ProbedProvider = 'stripe' | 'twilio' | 'claude';

/** Resolves when the provider answered with our credentials; rejects (an UpstreamError) otherwise. */
export type ProviderProbe = () => Promise<void>;
export type ProviderProbes = Record<ProbedProvider, ProviderProbe>;

const INTEGRATION: Record<ProbedProvider, IntegrationName> = {
  stripe: 'stripe',
  twilio: 'twilio',
  claude: 'anthropic',
};
const LABEL: Record<ProbedProvider, string> = { stripe: 'Stripe', twilio: 'Twilio', claude: 'Claude' };
const PROBE_TIMEOUT_MS = 15_000;

/** An id no checkout session has: Stripe answering "no such session" proves the key works. */
const ABSENT_CHECKOUT_SESSION = 'cs_frontdesk_guardian_probe';

export function providerProbes(config: Config): ProviderProbes {
  return {
    async stripe() {
      try {
        await createStripe(config, { timeoutMs: PROBE_TIMEOUT_MS }).retrieveCheckoutSession(ABSENT_CHECKOUT_SESSION);
      } catch (err) {
        if (err instanceof UpstreamError && err.code === 'not_found') return;
        throw err;
      }
    },
    async twilio() {
      // Lists messages (a GET): proves the account and token without sending anything.
      const from = config.twilio.fromNumber ?? SANDBOX_CREDENTIALS.twilioFromNumber;
      await createTwilio(config, { timeoutMs: PROBE_TIMEOUT_MS }).findSent({ to: from, body: '', since: new Date() });
    },
    async claude() {
      await createClaude(config, { timeoutMs: PROBE_TIMEOUT_MS }).classify({
        from: 'guardian@frontdesk',
        subject: 'Health check',
        text: 'Hello, is this inbox working?',
      });
    },
  };
}

export function createProviderCheck(deps: {
  config: Config;
  probes: ProviderProbes;
  reuseForMs: number;
  now?: () => number;
}) {
  const now = deps.now ?? (() => Date.now());
  const recent = new Map<ProbedProvider, { at: number; check: GuardianCheck }>();

  async function probe(provider: ProbedProvider): Promise<GuardianCheck> {
    const integration = INTEGRATION[provider];
    const mode = deps.config.integrations[integration];
    if (mode === 'unconfigured') {
      return {
        name: provider,
        status: 'warn',
        detail: `${LABEL[provider]} is not configured: set ${missingVariables(deps.config, integration).join(', ')}`,
      };
    }
    const started = now();
    try {
      await deps.probes[provider]();
      return {
        name: provider,
        status: 'ok',
        detail: `${LABEL[provider]} answered in ${mode} mode (${Math.max(0, now() - started)} ms)`,
      };
    } catch (err) {
      return {
        name: provider,
        status: 'fail',
        detail: `${LABEL[provider]} did not answer in ${mode} mode: ${describeFailure(err)}`,
      };
    }
  }

  return async function checkProvider(provider: ProbedProvider): Promise<GuardianCheck> {
    const cached = recent.get(provider);
    if (cached && now() - cached.at < deps.reuseForMs) return cached.check;
    const check = await probe(provider);
    // A failure is not reused: the next pass (or tenant) asks again.
    if (check.status === 'ok') recent.set(provider, { at: now(), check });
    else recent.delete(provider);
    return check;
  };
}

/** The provider's error code and message; UpstreamError messages carry no secrets. */
export function describeFailure(err: unknown): string {
  if (err instanceof UpstreamError)
    return `${err.code}${err.retryable ? ' (retryable)' : ''}: ${err.message}`.slice(0, 300);
  if (err instanceof Error) return err.message.slice(0, 300);
  return String(err).slice(0, 300);
}
