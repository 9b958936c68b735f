// Modes decided once in config; an unconfigured integration is a 503 naming what to set.
import { ServiceUnavailableError } from '../../src/errors';
import { createClaude } from '../../src/providers/claude';
import { createGmail } from '../../src/providers/google/gmail';
import { createGoogleOAuth } from '../../src/providers/google/oauth';
import { IntegrationUnconfiguredError, requireIntegration } from '../../src/providers/integration';
import { createStripe, createStripeWebhookVerifier } from '../../src/providers/stripe';
import { createTwilio, createTwilioSignatureValidator } from '../../src/providers/twilio';
import { testConfig } from '../helpers/config';

const NO_KEYS = {
  SANDBOX: '0',
  GOOGLE_CLIENT_ID: undefined,
  GOOGLE_CLIENT_SECRET: undefined,
  STRIPE_SECRET_KEY: undefined,
  TWILIO_ACCOUNT_SID: undefined,
  TWILIO_AUTH_TOKEN: undefined,
  TWILIO_FROM_NUMBER: undefined,
  TWILIO_MESSAGING_SERVICE_SID: undefined,
  ANTHROPIC_API_KEY: undefined,
};

describe('requireIntegration', () => {
  it('answers 503 naming exactly the missing variables, never their values', () => {
    const config = testConfig({
      ...NO_KEYS,
      GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
      TWILIO_AUTH_TOKEN: 'secret-token-value',
    });
    const cases = [
      ['gmail', ['GOOGLE_CLIENT_SECRET']],
      ['calendar', ['GOOGLE_CLIENT_SECRET']],
      ['stripe', ['STRIPE_SECRET_KEY']],
      ['twilio', ['TWILIO_ACCOUNT_SID', 'TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID']],
      ['anthropic', ['ANTHROPIC_API_KEY']],
    ] as const;
    for (const [integration, missing] of cases) {
      const err = (() => {
        try {
          requireIntegration(config, integration);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(IntegrationUnconfiguredError);
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect((err as IntegrationUnconfiguredError).status).toBe(503);
      expect((err as IntegrationUnconfiguredError).missing).toEqual(missing);
      for (const variable of missing) expect((err as Error).message).toContain(variable);
      expect((err as Error).message).not.toContain('secret-token-value');
    }
  });

  it('every provider factory refuses an unconfigured integration', () => {
    const config = testConfig(NO_KEYS);
    expect(() => createGmail(config, { refreshToken: 'x' })).toThrow(IntegrationUnconfiguredError);
    expect(() => createGoogleOAuth(config)).toThrow(IntegrationUnconfiguredError);
    expect(() => createStripe(config)).toThrow(IntegrationUnconfiguredError);
    expect(() => createTwilio(config)).toThrow(IntegrationUnconfiguredError);
    expect(() => createClaude(config)).toThrow(IntegrationUnconfiguredError);
  });

  it('webhook checks need only their secret, and answer 503 without it', () => {
    const config = testConfig({ ...NO_KEYS, STRIPE_WEBHOOK_SECRET: undefined });
    expect(() => createStripeWebhookVerifier(config)).toThrow(ServiceUnavailableError);
    expect(() => createTwilioSignatureValidator(config)).toThrow(ServiceUnavailableError);
    const secretsOnly = testConfig({ ...NO_KEYS, STRIPE_WEBHOOK_SECRET: 'whsec_abc', TWILIO_AUTH_TOKEN: 'tok' });
    expect(() => createStripeWebhookVerifier(secretsOnly)).not.toThrow();
    expect(createTwilioSignatureValidator(secretsOnly).isValid('bogus', 'https://x.example/api/sms/webhook', {})).toBe(
      false,
    );
  });

  it('returns the mode: live with keys, sandbox with SANDBOX=1 whatever the keys', () => {
    const live = testConfig({ ...NO_KEYS, STRIPE_SECRET_KEY: 'sk_test_123', ANTHROPIC_API_KEY: 'sk-ant-x' });
    expect(requireIntegration(live, 'stripe')).toBe('live');
    expect(requireIntegration(live, 'anthropic')).toBe('live');
    const sandbox = testConfig({ ...NO_KEYS, SANDBOX: '1' });
    for (const name of ['gmail', 'calendar', 'stripe', 'twilio', 'anthropic'] as const)
      expect(requireIntegration(sandbox, name)).toBe('sandbox');
  });

  it('live mode keeps each SDK on its real host (no base URL from the sandbox)', () => {
    const live = testConfig({
      ...NO_KEYS,
      GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'secret',
      SANDBOX_URL: 'http://127.0.0.1:1',
    });
    const url = new URL(createGoogleOAuth(live).consentUrl({ state: 's', loginHint: 'owner@example.com' }));
    expect(url.origin).toBe('https://accounts.google.com');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('login_hint')).toBe('owner@example.com');
    expect(url.searchParams.get('redirect_uri')).toBe(`${live.http.publicBaseUrl}/api/gmail/oauth/callback`);
  });
});
