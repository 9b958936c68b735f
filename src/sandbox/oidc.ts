// The sandbox's stand-in for Google's OIDC signer: a key published at /oauth2/v3/certs (the API
// trusts it only in sandbox mode) and tokens shaped like the ones Pub/Sub push attaches.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export type PushTokenKind = 'valid' | 'wrong-audience' | 'wrong-signer' | 'expired';

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
