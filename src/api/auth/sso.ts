// Single sign-on with OpenID Connect through openid-client: the authorization code flow with PKCE,
// `state` and `nonce`. The state the browser carries is sealed (Fernet, ENCRYPTION_KEY) and holds
// the PKCE verifier, the nonce and an expiry, so no session store is needed and a forged or
// altered state cannot be opened. openid-client checks the id_token's issuer, audience, expiry and
// nonce; since it may (as the spec allows for a token straight from the token endpoint) skip the
// signature, the signature is also verified against the issuer's JWKS with jose.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import type { Config, SsoIssuerConfig } from '../../config';
import { Fernet } from '../../crypto/fernet';

export const SSO_PROVIDERS = ['google', 'oidc'] as const;
export type SsoProvider = (typeof SSO_PROVIDERS)[number];

/** Long enough to pick an account on the issuer's page, short enough that a leaked URL goes stale. */
const STATE_TTL_SECONDS = 10 * 60;
const DISCOVERY_TIMEOUT_SECONDS = 5;

export interface SsoIdentity {
  email: string;
  emailVerified: boolean;
  issuer: string;
  subject: string;
}

/** Why a callback is refused; every reason answers the one login message. */
export class SsoRefused extends Error {
  constructor(readonly reason: string) {
    super(`SSO refused: ${reason}`);
    this.name = 'SsoRefused';
  }
}

/** The issuer could not be reached for discovery (a 503, not a wrong login). */
export class SsoIssuerUnavailable extends Error {}

interface SealedState {
  p: SsoProvider;
  v: string;
  n: string;
}

export class SsoClients {
  private readonly discovered = new Map<SsoProvider, Promise<oidc.Configuration>>();
  private readonly keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  private readonly sealer: Fernet;

  constructor(private readonly config: Config) {
    this.sealer = new Fernet(config.encryptionKey);
  }

  issuerFor(provider: SsoProvider): SsoIssuerConfig | null {
    return this.config.sso[provider];
  }

  redirectUri(provider: SsoProvider): string {
    return `${this.config.http.publicBaseUrl}/api/auth/sso/${provider}/callback`;
  }

  private configuration(provider: SsoProvider, issuer: SsoIssuerConfig): Promise<oidc.Configuration> {
    let found = this.discovered.get(provider);
    if (!found) {
      found = oidc
        .discovery(new URL(issuer.issuerUrl), issuer.clientId, undefined, oidc.ClientSecretPost(issuer.clientSecret), {
          timeout: DISCOVERY_TIMEOUT_SECONDS,
          // Plain http only to the sandbox's stand-in issuers.
          ...(this.config.sandbox.enabled ? { execute: [oidc.allowInsecureRequests] } : {}),
        })
        .catch((err: unknown) => {
          this.discovered.delete(provider);
          throw new SsoIssuerUnavailable(
            `OIDC discovery at ${issuer.issuerUrl} failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        });
      this.discovered.set(provider, found);
    }
    return found;
  }

  /** The issuer's authorization URL for a new sign-in. */
  async authorizationUrl(
    provider: SsoProvider,
    issuer: SsoIssuerConfig,
    loginHint: string | undefined,
  ): Promise<string> {
    const configuration = await this.configuration(provider, issuer);
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const state = this.sealer.encrypt(JSON.stringify({ p: provider, v: verifier, n: nonce } satisfies SealedState));
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(provider),
      response_type: 'code',
      scope: 'openid email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    return url.href;
  }

  /** Exchanges the callback's code; throws SsoRefused for anything the checks refuse. */
  async complete(provider: SsoProvider, issuer: SsoIssuerConfig, query: URLSearchParams): Promise<SsoIdentity> {
    const state = query.get('state');
    if (!state) throw new SsoRefused('no state');
    let sealed: SealedState;
    try {
      sealed = JSON.parse(this.sealer.decryptString(state, STATE_TTL_SECONDS)) as SealedState;
    } catch {
      throw new SsoRefused('a state this server did not issue, or a stale one');
    }
    if (sealed.p !== provider) throw new SsoRefused('a state issued for another provider');
    const configuration = await this.configuration(provider, issuer);
    const current = new URL(this.redirectUri(provider));
    for (const [key, value] of query) current.searchParams.append(key, value);
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: sealed.v,
        expectedNonce: sealed.n,
        expectedState: state,
        idTokenExpected: true,
      });
      claims = tokens.claims();
      await this.verifySignature(configuration, tokens.id_token);
    } catch (err) {
      throw new SsoRefused(err instanceof Error ? err.message : String(err));
    }
    if (!claims) throw new SsoRefused('no id_token');
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : '';
    if (!email) throw new SsoRefused('the id_token names no email');
    return { email, emailVerified: claims.email_verified === true, issuer: claims.iss, subject: claims.sub };
  }

  private async verifySignature(configuration: oidc.Configuration, idToken: string | undefined): Promise<void> {
    const metadata = configuration.serverMetadata();
    if (!idToken || !metadata.jwks_uri) throw new SsoRefused('no id_token or no JWKS to check it with');
    let keys = this.keySets.get(metadata.jwks_uri);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(metadata.jwks_uri), { timeoutDuration: DISCOVERY_TIMEOUT_SECONDS * 1000 });
      this.keySets.set(metadata.jwks_uri, keys);
    }
    await jwtVerify(idToken, keys, { issuer: metadata.issuer, audience: configuration.clientMetadata().client_id });
  }
}
