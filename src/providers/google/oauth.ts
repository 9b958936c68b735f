// Google OAuth for one tenant's mailbox: the consent URL (offline access, so Google issues a
// refresh token), the code exchange, and an OAuth2 client built from a stored refresh token.
// In sandbox mode the consent and token endpoints are the sandbox's; nothing else changes.
import { OAuth2Client, type Credentials } from 'google-auth-library';
import type { Config } from '../../config';
import { UpstreamError } from '../../errors';
import { classifyGoogleError } from '../errors/google';
import { requireIntegration } from '../integration';
import { SANDBOX_CREDENTIALS } from '../sandbox-credentials';

export const GOOGLE_SCOPES = [
  // Read, send and watch the mailbox (gmail.modify covers send and users.watch).
  'https://www.googleapis.com/auth/gmail.modify',
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.freebusy',
] as const;

export const DEFAULT_GOOGLE_TIMEOUT_MS = 30_000;

export interface GoogleClientOptions {
  /** Per-request timeout; tests shorten it to exercise hangs. */
  timeoutMs?: number;
}

export interface GoogleOAuth {
  /** Where to send the business owner: Google's consent screen, which redirects to our callback. */
  consentUrl(input: { state: string; loginHint?: string }): string;
  /** Trades the callback's code for tokens; the refresh token is what must be stored (encrypted). */
  exchangeCode(code: string): Promise<{ refreshToken: string; scopes: string[] }>;
  /** An authorised client for the mailbox whose refresh token this is; it refreshes access tokens itself. */
  clientFor(refreshToken: string): OAuth2Client;
}

export function oauthCallbackUrl(config: Config): string {
  return `${config.http.publicBaseUrl}/api/gmail/oauth/callback`;
}

export function createGoogleOAuth(config: Config, options: GoogleClientOptions = {}): GoogleOAuth {
  const mode = requireIntegration(config, 'gmail');
  const timeout = options.timeoutMs ?? DEFAULT_GOOGLE_TIMEOUT_MS;
  const sandbox = mode === 'sandbox';
  const clientId = config.google.clientId ?? (sandbox ? SANDBOX_CREDENTIALS.googleClientId : '');
  const clientSecret = config.google.clientSecret ?? (sandbox ? SANDBOX_CREDENTIALS.googleClientSecret : '');
  const redirectUri = oauthCallbackUrl(config);

  const newClient = (): OAuth2Client => {
    const client = new OAuth2Client({
      clientId,
      clientSecret,
      redirectUri,
      // Node's own fetch: gaxios would otherwise load node-fetch through a dynamic import.
      transporterOptions: { timeout, fetchImplementation: fetch },
      ...(sandbox
        ? {
            endpoints: {
              oauth2AuthBaseUrl: `${config.sandbox.url}/o/oauth2/v2/auth`,
              oauth2TokenUrl: `${config.sandbox.url}/token`,
            },
          }
        : {}),
    });
    // google-auth-library retries token requests itself (RETRY_CONFIG); Temporal owns retries,
    // so every request this client makes, token refreshes included, is attempted exactly once.
    client.transporter.interceptors.request.add({
      resolved: async (request) => {
        request.retry = false;
        request.retryConfig = { retry: 0, noResponseRetries: 0 };
        return request;
      },
    });
    return client;
  };

  return {
    consentUrl({ state, loginHint }) {
      return newClient().generateAuthUrl({
        access_type: 'offline',
        // Without prompt=consent Google omits the refresh token on a second connect.
        prompt: 'consent',
        include_granted_scopes: true,
        scope: [...GOOGLE_SCOPES],
        state,
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
    },

    async exchangeCode(code) {
      const ctx = { operation: 'oauth.token' };
      let tokens: Credentials;
      try {
        ({ tokens } = await newClient().getToken(code));
      } catch (err) {
        throw classifyGoogleError('google-oauth', ctx, err);
      }
      if (!tokens.refresh_token) {
        throw new UpstreamError('google-oauth oauth.token returned no refresh token (consent without offline access)', {
          provider: 'google-oauth',
          code: 'reauth_required',
          retryable: false,
        });
      }
      return { refreshToken: tokens.refresh_token, scopes: (tokens.scope ?? '').split(' ').filter(Boolean) };
    },

    clientFor(refreshToken) {
      const client = newClient();
      client.setCredentials({ refresh_token: refreshToken });
      return client;
    },
  };
}
