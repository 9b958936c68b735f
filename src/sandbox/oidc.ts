// The sandbox's stand-in for Google's OIDC signer: a key published at /oauth2/v3/certs (the API
// trusts it only in sandbox mode), tokens shaped like the ones Pub/Sub push attaches, and the
// id_tokens of a sign-in (Google's, or the generic issuer's at /oidc).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export type PushTokenKind = 'valid' | 'wrong-audience' | 'wrong-signer' | 'expired';

/** How the next id_token is spoiled (a test's way to see each check refuse it). */
export const ID_TOKEN_QUIRKS = [
  'wrong-issuer',
  'wrong-audience',
  'wrong-nonce',
  'unverified-email',
  'wrong-signer',
] as const;
export type IdTokenQuirk = (typeof ID_TOKEN_QUIRKS)[number];

export interface SignInGrant {
  issuer: string;
  clientId: string;
  redirectUri: string;
  email: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  scope: string;
}

/** Sign-in codes of both issuers: single use, bound to their redirect URI and PKCE challenge. */
export class SignInGrants {
  private readonly codes = new Map<string, SignInGrant>();
  private readonly quirks: IdTokenQuirk[] = [];

  issueCode(grant: SignInGrant): string {
    const code = `4/0sso-${randomBytes(18).toString('base64url')}`;
    this.codes.set(code, grant);
    return code;
  }

  /** The grant, spent; null when unknown, spent, for another redirect URI or a wrong verifier. */
  redeemCode(code: string, redirectUri: string | undefined, codeVerifier: string | undefined): SignInGrant | null {
    const grant = this.codes.get(code);
    if (!grant) return null;
    this.codes.delete(code);
    if (redirectUri !== grant.redirectUri) return null;
    if (grant.codeChallenge !== undefined) {
      if (!codeVerifier || createHash('sha256').update(codeVerifier).digest('base64url') !== grant.codeChallenge)
        return null;
    }
    return grant;
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }

  spoilNext(quirk: IdTokenQuirk): void {
    this.quirks.push(quirk);
  }

  takeQuirk(): IdTokenQuirk | undefined {
    return this.quirks.shift();
  }
}

export class OidcSigner {
  private constructor(
    private readonly kid: string,
    private readonly key: PrivateKey,
    private readonly publicJwk: JWK,
    // Same key id, different key: a forged token that only a signature check catches.
    private readonly impostorKey: PrivateKey,
  ) {}

  static async create(): Promise<OidcSigner> {
    const kid = randomUUID().replace(/-/g, '');
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const impostor = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    return new OidcSigner(kid, privateKey, jwk, impostor.privateKey);
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** The id_token of a sign-in, as the issuer would sign it, or spoiled as a test asked. */
  async idToken(grant: SignInGrant, quirk: IdTokenQuirk | undefined): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const subject = createHash('sha256').update(`${grant.issuer} ${grant.email}`).digest('hex').slice(0, 21);
    const nonce = quirk === 'wrong-nonce' ? 'a-nonce-from-another-sign-in' : grant.nonce;
    return new SignJWT({
      email: grant.email,
      email_verified: quirk !== 'unverified-email',
      ...(nonce !== undefined ? { nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(quirk === 'wrong-issuer' ? 'https://issuer.elsewhere.example' : grant.issuer)
      .setSubject(subject)
      .setAudience(quirk === 'wrong-audience' ? 'some-other-client' : grant.clientId)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(quirk === 'wrong-signer' ? this.impostorKey : this.key);
  }

  async pushToken(kind: PushTokenKind, claims: { audience: string; email: string }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = kind === 'expired' ? now - 7200 : now;
    return new SignJWT({ email: claims.email, email_verified: true, azp: '113774264463038321964' })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer('https://accounts.google.com')
      .setSubject('113774264463038321964')
      .setAudience(kind === 'wrong-audience' ? 'https://elsewhere.example/api/gmail/webhook' : claims.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 3600)
      .sign(kind === 'wrong-signer' ? this.impostorKey : this.key);
  }
}
