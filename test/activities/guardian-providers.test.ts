// The guardian's provider checks through the official SDKs against the sandbox: a real answer is
// ok, a fault is a failed check naming the error, an unconfigured provider warns with the
// variables to set, and a good answer is reused across tenants for a while (a bad one never).
import { createProviderCheck, providerProbes } from '../../src/activities/guardian-providers';
import { testConfig } from '../helpers/config';
import { type SandboxHarness, startTestSandbox } from '../helpers/sandbox';

let h: SandboxHarness;

beforeAll(async () => {
  h = await startTestSandbox();
});
afterAll(() => h.close());

const checkerFor = (reuseForMs = 0) =>
  createProviderCheck({ config: h.config, probes: providerProbes(h.config), reuseForMs });

it.each([
  ['stripe', 'stripe', /^Stripe answered in sandbox mode \(\d+ ms\)$/],
  ['twilio', 'twilio', /^Twilio answered in sandbox mode \(\d+ ms\)$/],
  ['claude', 'anthropic', /^Claude answered in sandbox mode \(\d+ ms\)$/],
] as const)(
  '%s answers in sandbox mode: ok, through one read-only or tiny call',
  async (provider, sandboxName, detail) => {
    const before = (await h.requests(sandboxName)).length;
    const check = await checkerFor()(provider);
    expect(check).toEqual({ name: provider, status: 'ok', detail: expect.stringMatching(detail) });
    const calls = (await h.requests(sandboxName)).slice(before);
    expect(calls).toHaveLength(1);
    if (provider !== 'claude') expect(calls[0]!.method).toBe('GET');
  },
);

it('fails the check with the provider error when the provider fails, and asks again next time', async () => {
  const check = checkerFor(60_000);
  await h.fault({ provider: 'stripe', status: 500, count: 1 });
  expect(await check('stripe')).toEqual({
    name: 'stripe',
    status: 'fail',
    detail: expect.stringMatching(/^Stripe did not answer in sandbox mode: server_error \(retryable\)/),
  });
  expect(await check('stripe')).toMatchObject({ status: 'ok' });

  await h.fault({ provider: 'twilio', status: 401, count: 1 });
  expect(await check('twilio')).toEqual({
    name: 'twilio',
    status: 'fail',
    detail: expect.stringContaining('Twilio did not answer in sandbox mode'),
  });
});

it('reuses a good answer for a while: one call for many tenants', async () => {
  const check = checkerFor(60_000);
  const before = (await h.requests('anthropic')).length;
  for (let tenant = 0; tenant < 5; tenant += 1) expect(await check('claude')).toMatchObject({ status: 'ok' });
  expect((await h.requests('anthropic')).length - before).toBe(1);
});

it('warns, naming the variables to set, when a provider is not configured', async () => {
  const config = testConfig({
    SANDBOX: '0',
    STRIPE_SECRET_KEY: undefined,
    ANTHROPIC_API_KEY: undefined,
    TWILIO_ACCOUNT_SID: undefined,
    TWILIO_AUTH_TOKEN: undefined,
    TWILIO_FROM_NUMBER: undefined,
  });
  const check = createProviderCheck({ config, probes: providerProbes(config), reuseForMs: 0 });
  expect(await check('stripe')).toEqual({
    name: 'stripe',
    status: 'warn',
    detail: 'Stripe is not configured: set STRIPE_SECRET_KEY',
  });
  expect(await check('claude')).toEqual({
    name: 'claude',
    status: 'warn',
    detail: 'Claude is not configured: set ANTHROPIC_API_KEY',
  });
  expect(await check('twilio')).toEqual({
    name: 'twilio',
    status: 'warn',
    detail:
      'Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID',
  });
});
