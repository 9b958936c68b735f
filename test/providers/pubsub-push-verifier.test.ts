// The Gmail push's OIDC token, signed by the sandbox and verified with jose against the
// sandbox's JWKS: right and wrong audience, wrong signer, expired, missing, wrong account.
import { UnauthorizedError } from '../../src/errors';
import { createPubsubPushVerifier, GOOGLE_OIDC_JWKS_URL } from '../../src/providers/google/pubsub-push-verifier';
import { testConfig } from '../helpers/config';
import { type SandboxHarness, startTestSandbox } from '../helpers/sandbox';

let h: SandboxHarness;

beforeAll(async () => {
  h = await startTestSandbox();
});
afterAll(() => h.close());

/** Sends one push through the sandbox and returns what the API would have received. */
async function push(token: string) {
  const res = await h.control('POST', '/_sandbox/gmail/push', {
    emailAddress: 'owner@salon.example',
    historyId: 12345,
    token,
  });
  expect(res.body.status).toBe(200);
  const delivery = h.receiver.received.find((d) => d.body.includes(res.body.messageId))!;
  expect(delivery.path).toBe('/api/gmail/webhook');
  return delivery;
}

describe('Pub/Sub push OIDC verification', () => {
  it('accepts a valid push token and the envelope carries the mailbox and history id', async () => {
    const delivery = await push('valid');
    const claims = await createPubsubPushVerifier(h.config).verify(delivery.headers.authorization);
    expect(claims).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: h.config.google.webhookUrl,
      email: h.config.google.pubsubServiceAccount,
      email_verified: true,
    });
    const envelope = JSON.parse(delivery.body);
    expect(JSON.parse(Buffer.from(envelope.message.data, 'base64').toString('utf8'))).toEqual({
      emailAddress: 'owner@salon.example',
      historyId: 12345,
    });
    expect(envelope.subscription).toMatch(/^projects\/.+\/subscriptions\/.+$/);
  });

  it.each([
    ['wrong-audience', /claim aud invalid/],
    ['wrong-signer', /bad signature/],
    ['expired', /expired/],
  ])('rejects a %s token with 401', async (kind, reason) => {
    const delivery = await push(kind);
    const err = await createPubsubPushVerifier(h.config)
      .verify(delivery.headers.authorization)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect((err as UnauthorizedError).status).toBe(401);
    expect((err as Error).message).toMatch(reason);
  });

  it('rejects a push without a token', async () => {
    const delivery = await push('none');
    expect(delivery.headers.authorization).toBeUndefined();
    await expect(createPubsubPushVerifier(h.config).verify(delivery.headers.authorization)).rejects.toThrow(
      UnauthorizedError,
    );
  });

  it('rejects a valid token from another service account, or for another audience', async () => {
    const delivery = await push('valid');
    const otherAccount = {
      ...h.config,
      google: { ...h.config.google, pubsubServiceAccount: 'someone-else@project.iam.gserviceaccount.com' },
    };
    await expect(createPubsubPushVerifier(otherAccount).verify(delivery.headers.authorization)).rejects.toThrow(
      /service account/,
    );
    const otherAudience = {
      ...h.config,
      google: { ...h.config.google, webhookUrl: 'https://frontdesk.example/api/gmail/webhook' },
    };
    await expect(createPubsubPushVerifier(otherAudience).verify(delivery.headers.authorization)).rejects.toThrow(/aud/);
  });

  it('trusts only the sandbox keys in sandbox mode and only Google keys in live mode', () => {
    expect(createPubsubPushVerifier(h.config).jwksUrl).toBe(`${h.url}/oauth2/v3/certs`);
    const live = testConfig({
      SANDBOX: '0',
      GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'secret',
      SANDBOX_URL: h.url,
    });
    expect(live.integrations.gmail).toBe('live');
    expect(createPubsubPushVerifier(live).jwksUrl).toBe(GOOGLE_OIDC_JWKS_URL);
  });
});
