// Which integrations can be used right now. Routes and activities that need one call
// requireIntegration first, so an unconfigured deploy answers 503 naming what to set.
import type { Config, IntegrationName } from '../config';
import { ServiceUnavailableError } from '../errors';

const LABELS: Record<IntegrationName, string> = {
  gmail: 'Gmail',
  calendar: 'Google Calendar',
  stripe: 'Stripe',
  twilio: 'Twilio',
  anthropic: 'Claude (Anthropic)',
};

export class IntegrationUnconfiguredError extends ServiceUnavailableError {
  constructor(
    readonly integration: IntegrationName,
    readonly missing: readonly string[],
  ) {
    super(`${LABELS[integration]} is not configured: set ${missing.join(', ')} (or SANDBOX=1 outside production)`);
  }
}

/** The environment variables an integration still needs to go live (names only, never values). */
export function missingVariables(config: Config, integration: IntegrationName): string[] {
  switch (integration) {
    case 'gmail':
    case 'calendar':
      return [
        ...(config.google.clientId ? [] : ['GOOGLE_CLIENT_ID']),
        ...(config.google.clientSecret ? [] : ['GOOGLE_CLIENT_SECRET']),
      ];
    case 'stripe':
      return config.stripe.secretKey ? [] : ['STRIPE_SECRET_KEY'];
    case 'twilio':
      return [
        ...(config.twilio.accountSid ? [] : ['TWILIO_ACCOUNT_SID']),
        ...(config.twilio.authToken ? [] : ['TWILIO_AUTH_TOKEN']),
        ...(config.twilio.fromNumber || config.twilio.messagingServiceSid
          ? []
          : ['TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID']),
      ];
    case 'anthropic':
      return config.anthropic.apiKey ? [] : ['ANTHROPIC_API_KEY'];
  }
}

/** Throws a 503 naming the missing variables when the integration is `unconfigured`; returns its mode otherwise. */
export function requireIntegration(config: Config, integration: IntegrationName): 'live' | 'sandbox' {
  const mode = config.integrations[integration];
  if (mode === 'unconfigured')
    throw new IntegrationUnconfiguredError(integration, missingVariables(config, integration));
  return mode;
}
