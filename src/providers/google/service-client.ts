// What the Gmail and Calendar clients share: the tenant's OAuth2 client, the googleapis options
// (no gaxios retries — Temporal owns them —, a per-request timeout, Node's fetch, the sandbox's
// root URL in sandbox mode), and one wrapper that turns every failure into an UpstreamError.
import type { OAuth2Client } from 'google-auth-library';
import type { Config } from '../../config';
import { classifyGoogleError, type GoogleCallContext } from '../errors/google';
import { requireIntegration } from '../integration';
import { createGoogleOAuth, DEFAULT_GOOGLE_TIMEOUT_MS, type GoogleClientOptions } from './oauth';

export interface GoogleServiceOptions extends GoogleClientOptions {
  /** The tenant's refresh token (opened from storage), or a ready client. */
  refreshToken?: string;
  auth?: OAuth2Client;
}

type GoogleService = 'gmail' | 'calendar';

export function googleServiceClient(config: Config, service: GoogleService, options: GoogleServiceOptions) {
  const mode = requireIntegration(config, service);
  const auth =
    options.auth ?? createGoogleOAuth(config, options).clientFor(requireToken(service, options.refreshToken));
  const apiOptions = {
    auth,
    retry: false,
    timeout: options.timeoutMs ?? DEFAULT_GOOGLE_TIMEOUT_MS,
    fetchImplementation: fetch,
    ...(mode === 'sandbox' ? { rootUrl: `${config.sandbox.url}/` } : {}),
  };
  async function call<T>(ctx: GoogleCallContext, fn: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await fn()).data;
    } catch (err) {
      throw classifyGoogleError(service, ctx, err);
    }
  }
  return { apiOptions, call };
}

function requireToken(service: GoogleService, token: string | undefined): string {
  if (!token) throw new Error(`the ${service} client needs the tenant refresh token (or an OAuth2 client)`);
  return token;
}
