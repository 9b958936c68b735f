// Verifies the OIDC token Pub/Sub attaches to a Gmail push (Authorization: Bearer <JWT>):
// Google's signature, issuer, audience = our webhook URL, and the push subscription's service
// account with a verified email. Live mode trusts only Google's published keys; sandbox mode
// trusts only the sandbox's, so a sandbox-signed token can never pass in live mode.
import { createRemoteJWKSet, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import type { Config } from '../../config';
import { UnauthorizedError } from '../../errors';

export const GOOGLE_OIDC_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

export interface PubsubPushClaims extends JWTPayload {
  email: string;
  email_verified: true;
}

export interface PubsubPushVerifier {
  /** The only key set this verifier trusts. */
  readonly jwksUrl: string;
  /** The token's claims, or UnauthorizedError (401) saying which check failed. */
  verify(authorizationHeader: string | undefined): Promise<PubsubPushClaims>;
}

export function createPubsubPushVerifier(config: Config): PubsubPushVerifier {
  const sandbox = config.integrations.gmail === 'sandbox';
  const jwksUrl = sandbox ? `${config.sandbox.url}/oauth2/v3/certs` : GOOGLE_OIDC_JWKS_URL;
  // Cached and refreshed by jose when a new key id appears (Google rotates its keys).
  const jwks = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5_000 });
  const audience = config.google.webhookUrl;
  const serviceAccount = config.google.pubsubServiceAccount;

  return {
    jwksUrl,
    async verify(authorizationHeader) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorizationHeader?.trim() ?? '');
      if (!match?.[1]) throw new UnauthorizedError('Missing bearer token');
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(match[1], jwks, {
          issuer: GOOGLE_ISSUERS,
          audience,
          algorithms: ['RS256'],
          clockTolerance: 30,
        }));
      } catch (err) {
        throw new UnauthorizedError(`Push token rejected: ${reason(err)}`, { cause: err });
      }
      if (payload.email !== serviceAccount)
        throw new UnauthorizedError('Push token rejected: not the push service account');
      if (payload.email_verified !== true) throw new UnauthorizedError('Push token rejected: email not verified');
      return payload as PubsubPushClaims;
    },
  };
}

function reason(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim ${err.claim} invalid`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JWKSNoMatchingKey)
    return 'bad signature';
  if (err instanceof joseErrors.JOSEError) return err.code;
  return 'unverifiable';
}
