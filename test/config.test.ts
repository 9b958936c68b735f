import { ConfigError, loadConfig, WORKER_TUNING_DEFAULTS } from '../src/config';

const GOOD_KEY = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const base = {
  DATABASE_URL: 'postgres://app:pw@127.0.0.1:5432/frontdesk',
  DEFAULT_TENANT_ID: '5b0f3a52-2f0e-4a8e-9d5e-0c1f2a3b4c5d',
  JWT_SECRET_KEY: 'x'.repeat(40),
  ENCRYPTION_KEY: GOOD_KEY,
};
const production = {
  ...base,
  NODE_ENV: 'production',
  ANTHROPIC_API_KEY: 'sk-ant-test',
  GMAIL_WEBHOOK_URL: 'https://api.example.com/api/gmail/webhook',
  GMAIL_PUBSUB_TOPIC: 'projects/acme/topics/gmail',
  GMAIL_PUBSUB_SERVICE_ACCOUNT: 'push@acme.iam.gserviceaccount.com',
};

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('accepts a complete development environment and freezes the result', () => {
    const config = loadConfig(base);
    expect(config.database.url).toBe(base.DATABASE_URL);
    expect(config.integrations).toEqual({
      gmail: 'unconfigured',
      calendar: 'unconfigured',
      stripe: 'unconfigured',
      twilio: 'unconfigured',
      anthropic: 'unconfigured',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.temporal)).toBe(true);
  });

  it('accepts a complete production environment', () => {
    const config = loadConfig(production);
    expect(config.isProduction).toBe(true);
    expect(config.integrations.anthropic).toBe('live');
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'mysql://nope' }, /postgres/],
    ['DEFAULT_TENANT_ID', { DEFAULT_TENANT_ID: 'tenant-1' }, /UUID/],
    ['JWT_SECRET_KEY', { JWT_SECRET_KEY: 'short-secret' }, /32 characters/],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: 'not-a-fernet-key' }, /Fernet/],
    ['PORT', { PORT: 'eighty' }, /port/],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'https://ok.example, not a url' }, /origins/],
    ['STRIPE_SECRET_KEY', { STRIPE_SECRET_KEY: 'pk_live_publishable' }, /secret key/],
    ['TWILIO_FROM_NUMBER', { TWILIO_FROM_NUMBER: '555-1234' }, /E\.164/],
    ['GMAIL_PUBSUB_TOPIC', { GMAIL_PUBSUB_TOPIC: 'gmail' }, /projects/],
    ['NODE_ENV', { NODE_ENV: 'staging' }, /production/],
    ['SANDBOX', { SANDBOX: 'maybe' }, /true\/false/],
    ['NOVA_SERVICE_URL', { NOVA_SERVICE_URL: 'nova.internal:8000' }, /absolute http\(s\) URL/],
    ['ELI_SERVICE_URL', { ELI_SERVICE_URL: 'ftp://eli.internal' }, /absolute http\(s\) URL/],
    [
      'OIDC_ISSUER_URL',
      { OIDC_ISSUER_URL: 'login.example.com', OIDC_CLIENT_ID: 'frontdesk', OIDC_CLIENT_SECRET: 'issuer-secret-value' },
      /absolute http\(s\) URL/,
    ],
  ])('names %s when its value is bad, without echoing the value', (variable, override, why) => {
    const err = problemsOf({ ...base, ...override });
    const problem = err.problems.find((p) => p.variable === variable);
    expect(problem?.message).toMatch(why);
    expect(err.message).toContain(variable);
    for (const value of Object.values(override)) expect(err.message).not.toContain(value);
  });

  it('names the missing half of an SSO client', () => {
    const google = problemsOf({ ...base, GOOGLE_OAUTH_CLIENT_ID: 'sso-client.apps.googleusercontent.com' });
    expect(google.problems).toEqual([
      { variable: 'GOOGLE_OAUTH_CLIENT_SECRET', message: 'is required when GOOGLE_OAUTH_CLIENT_ID is set' },
    ]);
    const oidc = problemsOf({ ...base, OIDC_ISSUER_URL: 'https://login.example.com' });
    expect(oidc.problems.map((p) => p.variable).sort()).toEqual(['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET']);
  });

  it('signs in with Google by the Gmail client or its own, the generic issuer when all three are set, both sandboxed with SANDBOX=1', () => {
    expect(loadConfig(base).sso).toEqual({ google: null, oidc: null });
    const gmailClient = loadConfig({ ...base, GOOGLE_CLIENT_ID: 'gmail-client', GOOGLE_CLIENT_SECRET: 'gmail-secret' });
    expect(gmailClient.sso.google).toEqual({
      issuerUrl: 'https://accounts.google.com',
      clientId: 'gmail-client',
      clientSecret: 'gmail-secret',
    });
    const own = loadConfig({
      ...base,
      GOOGLE_CLIENT_ID: 'gmail-client',
      GOOGLE_CLIENT_SECRET: 'gmail-secret',
      GOOGLE_OAUTH_CLIENT_ID: 'sso-client',
      GOOGLE_OAUTH_CLIENT_SECRET: 'sso-secret',
      OIDC_ISSUER_URL: 'https://login.example.com/tenant/v2.0',
      OIDC_CLIENT_ID: 'frontdesk',
      OIDC_CLIENT_SECRET: 'issuer-secret',
    });
    expect(own.sso).toEqual({
      google: { issuerUrl: 'https://accounts.google.com', clientId: 'sso-client', clientSecret: 'sso-secret' },
      oidc: {
        issuerUrl: 'https://login.example.com/tenant/v2.0',
        clientId: 'frontdesk',
        clientSecret: 'issuer-secret',
      },
    });
    const sandbox = loadConfig({
      ...base,
      SANDBOX: '1',
      SANDBOX_URL: 'http://127.0.0.1:4999',
      OIDC_ISSUER_URL: 'https://login.example.com',
      OIDC_CLIENT_ID: 'x',
      OIDC_CLIENT_SECRET: 'y',
    });
    expect(sandbox.sso.google?.issuerUrl).toBe('http://127.0.0.1:4999');
    expect(sandbox.sso.oidc?.issuerUrl).toBe('http://127.0.0.1:4999/oidc');
  });

  it('lists every missing production variable in one error', () => {
    const err = problemsOf({ NODE_ENV: 'production' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual([
      'ANTHROPIC_API_KEY',
      'DATABASE_URL',
      'DEFAULT_TENANT_ID',
      'ENCRYPTION_KEY',
      'GMAIL_PUBSUB_SERVICE_ACCOUNT',
      'GMAIL_PUBSUB_TOPIC',
      'GMAIL_WEBHOOK_URL',
      'JWT_SECRET_KEY',
    ]);
    expect(err.message).toMatch(/8 problems/);
  });

  it('refuses the sandbox in production', () => {
    const err = problemsOf({ ...production, SANDBOX: '1' });
    expect(err.problems).toEqual([expect.objectContaining({ variable: 'SANDBOX' })]);
  });

  it('refuses the local-dev codec (decoding without sign-in) in production, and defaults it off', () => {
    const err = problemsOf({ ...production, TEMPORAL_CODEC_LOCAL_DEV: '1' });
    expect(err.problems).toEqual([expect.objectContaining({ variable: 'TEMPORAL_CODEC_LOCAL_DEV' })]);
    expect(loadConfig(production).temporal.codecLocalDev).toBe(false);
  });

  it('never prints a secret that fails validation', () => {
    const secret = 'sk_live_' + 'z'.repeat(10);
    const err = problemsOf({ ...base, JWT_SECRET_KEY: 'tiny', STRIPE_WEBHOOK_SECRET: secret });
    expect(err.message).not.toContain('tiny');
    expect(err.message).not.toContain(secret);
    expect(err.problems.map((p) => p.variable).sort()).toEqual(['JWT_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']);
  });

  it('puts each integration in sandbox mode when SANDBOX=1, else live when its keys are set', () => {
    expect(loadConfig({ ...base, SANDBOX: '1' }).integrations.stripe).toBe('sandbox');
    const live = loadConfig({
      ...base,
      STRIPE_SECRET_KEY: 'sk_test_abc',
      TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32),
      TWILIO_AUTH_TOKEN: 't',
    });
    expect(live.integrations.stripe).toBe('live');
    // Twilio needs a sender as well as credentials.
    expect(live.integrations.twilio).toBe('unconfigured');
  });

  it('polls every task queue by default, or the kinds WORKER_TASK_QUEUES lists, and refuses an unknown kind', () => {
    expect(loadConfig(base).worker.taskQueues).toEqual(['reminders', 'delivery', 'agents']);
    expect(loadConfig({ ...base, WORKER_TASK_QUEUES: ' Delivery, agents,delivery ' }).worker.taskQueues).toEqual([
      'delivery',
      'agents',
    ]);
    expect(problemsOf({ ...base, WORKER_TASK_QUEUES: 'reminders,mail' }).problems).toEqual([
      { variable: 'WORKER_TASK_QUEUES', message: 'must be a comma-separated list of reminders, delivery, agents' },
    ]);
    expect(problemsOf({ ...base, WORKER_TASK_QUEUES: ' , ' }).problems.map((p) => p.variable)).toEqual([
      'WORKER_TASK_QUEUES',
    ]);
  });

  it('tunes each queue from its own variables, the shared cache size, or the defaults, and refuses settings that cannot apply', () => {
    expect(loadConfig(base).worker.tuning).toEqual(WORKER_TUNING_DEFAULTS);
    const tuned = loadConfig({
      ...base,
      WORKER_MAX_CACHED_WORKFLOWS: '300',
      WORKER_DELIVERY_MAX_CACHED_WORKFLOWS: '50',
      WORKER_REMINDERS_WORKFLOW_POLLERS: '3',
    });
    expect(tuned.worker.tuning.reminders).toEqual({
      ...WORKER_TUNING_DEFAULTS.reminders,
      maxCachedWorkflows: 300,
      workflowTaskPollers: 3,
    });
    expect(tuned.worker.tuning.delivery.maxCachedWorkflows).toBe(50);
    expect(tuned.worker.tuning.agents.maxCachedWorkflows).toBe(300);
    const err = problemsOf({
      ...base,
      WORKER_AGENTS_MAX_CONCURRENT_WORKFLOW_TASKS: '1',
      WORKER_DELIVERY_MAX_CONCURRENT_ACTIVITIES: '4',
      WORKER_DELIVERY_ACTIVITY_POLLERS: '5',
      WORKER_REMINDERS_MAX_CACHED_WORKFLOWS: 'lots',
    });
    expect(err.problems).toEqual([
      { variable: 'WORKER_REMINDERS_MAX_CACHED_WORKFLOWS', message: 'must be a positive whole number' },
      { variable: 'WORKER_AGENTS_MAX_CONCURRENT_WORKFLOW_TASKS', message: 'must be a whole number of at least 2' },
    ]);
    expect(
      problemsOf({ ...base, WORKER_DELIVERY_MAX_CONCURRENT_ACTIVITIES: '4', WORKER_DELIVERY_ACTIVITY_POLLERS: '5' })
        .problems,
    ).toEqual([
      {
        variable: 'WORKER_DELIVERY_ACTIVITY_POLLERS',
        message: 'must not exceed WORKER_DELIVERY_MAX_CONCURRENT_ACTIVITIES (4)',
      },
    ]);
  });
});
