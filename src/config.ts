// The one place that reads process.env. Parsed once at boot into a frozen Config; any problem
// stops the process before it listens, with one message listing every variable at fault.
// Values are never echoed back in messages: several of these are secrets.
import { z } from 'zod';
import { resolveTemporalConnection, type TemporalConnectionSettings } from './temporal/connection-settings';
import { TASK_QUEUE_KINDS, type TaskQueueKind } from './temporal/task-queues';

export type IntegrationMode = 'live' | 'sandbox' | 'unconfigured';
export type IntegrationName = 'gmail' | 'calendar' | 'stripe' | 'twilio' | 'anthropic';

const FERNET_KEY = /^[A-Za-z0-9_-]{43}=$/;

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const optionalUrl = optionalString.refine((v) => v === undefined || isUrl(v), {
  message: 'must be an absolute http(s) URL',
});

const flag = (fallback: boolean) =>
  optionalString
    .refine((v) => v === undefined || /^(1|0|true|false|yes|no)$/i.test(v), {
      message: 'must be 1/0, true/false or yes/no',
    })
    .transform((v) => (v === undefined ? fallback : /^(1|true|yes)$/i.test(v)));

const port = (fallback: number) =>
  optionalString
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536), {
      message: 'must be a TCP port number (1-65535)',
    })
    .transform((v) => (v === undefined ? fallback : Number(v)));

const positiveInt = (fallback: number) =>
  optionalString
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) > 0), {
      message: 'must be a positive whole number',
    })
    .transform((v) => (v === undefined ? fallback : Number(v)));

const optionalPositiveInt = optionalString
  .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) > 0), { message: 'must be a positive whole number' })
  .transform((v) => (v === undefined ? undefined : Number(v)));

const atLeastTwo = optionalString
  .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) >= 2), {
    message: 'must be a whole number of at least 2',
  })
  .transform((v) => (v === undefined ? undefined : Number(v)));

export interface WorkerTuning {
  /** Workflows kept in the sticky cache: more replays less after a wake-up, costs memory. */
  maxCachedWorkflows: number;
  maxConcurrentWorkflowTaskExecutions: number;
  maxConcurrentActivityTaskExecutions: number;
  /** Long polls kept open for workflow tasks and for activity tasks. */
  workflowTaskPollers: number;
  activityTaskPollers: number;
}

/**
 * Per queue, from the scale benchmark (docs/performance.md, "Choosing the worker defaults"): the
 * sticky caches are what bounds the worker's memory (a cached reminder cost about 0.7 MiB of RSS
 * at the burst's peak), so they are sized for 10,000 open reminders to stay under 1 GiB; a
 * delivery or agents workflow leaves the cache when it completes, so theirs only hold the ones in
 * flight. Task slots and pollers are the SDK's own defaults (40 workflow tasks, 100 activities,
 * pollers: the SDK's default maximum of 10 would only queue more polls on two cores).
 */
export const WORKER_TUNING_DEFAULTS: Record<TaskQueueKind, WorkerTuning> = {
  reminders: {
    maxCachedWorkflows: 500,
    maxConcurrentWorkflowTaskExecutions: 40,
    maxConcurrentActivityTaskExecutions: 100,
    workflowTaskPollers: 8,
    activityTaskPollers: 8,
  },
  delivery: {
    maxCachedWorkflows: 200,
    maxConcurrentWorkflowTaskExecutions: 40,
    maxConcurrentActivityTaskExecutions: 100,
    workflowTaskPollers: 8,
    activityTaskPollers: 8,
  },
  agents: {
    maxCachedWorkflows: 100,
    maxConcurrentWorkflowTaskExecutions: 10,
    maxConcurrentActivityTaskExecutions: 20,
    workflowTaskPollers: 2,
    activityTaskPollers: 2,
  },
};

const TUNING_VARIABLES = {
  maxCachedWorkflows: 'MAX_CACHED_WORKFLOWS',
  maxConcurrentWorkflowTaskExecutions: 'MAX_CONCURRENT_WORKFLOW_TASKS',
  maxConcurrentActivityTaskExecutions: 'MAX_CONCURRENT_ACTIVITIES',
  workflowTaskPollers: 'WORKFLOW_POLLERS',
  activityTaskPollers: 'ACTIVITY_POLLERS',
} as const satisfies Record<keyof WorkerTuning, string>;

const tuningVariable = (kind: TaskQueueKind, setting: keyof WorkerTuning) =>
  `WORKER_${kind.toUpperCase()}_${TUNING_VARIABLES[setting]}`;

/** WORKER_<QUEUE>_<SETTING> for every queue and setting, each optional (the defaults above). */
function workerTuningVariables() {
  const shape: Record<string, typeof optionalPositiveInt> = {};
  for (const kind of TASK_QUEUE_KINDS) {
    for (const setting of Object.keys(TUNING_VARIABLES) as (keyof WorkerTuning)[]) {
      // The SDK needs two workflow-task slots (and pollers) when a sticky cache is kept.
      shape[tuningVariable(kind, setting)] =
        setting === 'maxCachedWorkflows' ||
        setting === 'activityTaskPollers' ||
        setting === 'maxConcurrentActivityTaskExecutions'
          ? optionalPositiveInt
          : atLeastTwo;
    }
  }
  return shape;
}

function workerTuning(
  env: Record<string, unknown>,
  fallbackCache: number | undefined,
): Record<TaskQueueKind, WorkerTuning> {
  const tuning = {} as Record<TaskQueueKind, WorkerTuning>;
  for (const kind of TASK_QUEUE_KINDS) {
    const pick = (setting: keyof WorkerTuning) =>
      (env[tuningVariable(kind, setting)] as number | undefined) ?? WORKER_TUNING_DEFAULTS[kind][setting];
    tuning[kind] = {
      maxCachedWorkflows:
        (env[tuningVariable(kind, 'maxCachedWorkflows')] as number | undefined) ??
        fallbackCache ??
        WORKER_TUNING_DEFAULTS[kind].maxCachedWorkflows,
      maxConcurrentWorkflowTaskExecutions: pick('maxConcurrentWorkflowTaskExecutions'),
      maxConcurrentActivityTaskExecutions: pick('maxConcurrentActivityTaskExecutions'),
      workflowTaskPollers: pick('workflowTaskPollers'),
      activityTaskPollers: pick('activityTaskPollers'),
    };
  }
  return tuning;
}

/** A poller count above its queue's task slots is a setting that cannot take effect. */
function tuningProblems(tuning: Record<TaskQueueKind, WorkerTuning>): { variable: string; message: string }[] {
  const problems: { variable: string; message: string }[] = [];
  for (const kind of TASK_QUEUE_KINDS) {
    const t = tuning[kind];
    if (t.workflowTaskPollers > t.maxConcurrentWorkflowTaskExecutions) {
      problems.push({
        variable: tuningVariable(kind, 'workflowTaskPollers'),
        message: `must not exceed ${tuningVariable(kind, 'maxConcurrentWorkflowTaskExecutions')} (${t.maxConcurrentWorkflowTaskExecutions})`,
      });
    }
    if (t.activityTaskPollers > t.maxConcurrentActivityTaskExecutions) {
      problems.push({
        variable: tuningVariable(kind, 'activityTaskPollers'),
        message: `must not exceed ${tuningVariable(kind, 'maxConcurrentActivityTaskExecutions')} (${t.maxConcurrentActivityTaskExecutions})`,
      });
    }
  }
  return problems;
}

function isUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function isPostgresUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'postgres:' || u.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const envSchema = z.object({
  NODE_ENV: optionalString
    .refine((v) => v === undefined || ['development', 'test', 'production'].includes(v), {
      message: 'must be development, test or production',
    })
    .transform((v) => (v ?? 'development') as 'development' | 'test' | 'production'),
  PORT: port(3000),
  LOG_LEVEL: optionalString
    .refine((v) => v === undefined || ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v), {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .transform((v) => v ?? 'info'),
  LOG_PRETTY: flag(false),

  DATABASE_URL: optionalString.refine((v) => v === undefined || isPostgresUrl(v), {
    message: 'must be a postgres:// URL',
  }),
  MIGRATION_DATABASE_URL: optionalString.refine((v) => v === undefined || isPostgresUrl(v), {
    message: 'must be a postgres:// URL',
  }),
  DATABASE_POOL_SIZE: positiveInt(10),
  DEFAULT_TENANT_ID: optionalString.refine((v) => v === undefined || UUID.test(v), {
    message: 'must be a UUID',
  }),
  JWT_SECRET_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters',
  }),
  ENCRYPTION_KEY: optionalString.refine(
    (v) => v === undefined || (FERNET_KEY.test(v) && Buffer.from(v, 'base64url').length === 32),
    {
      message: 'must be a Fernet key: 44 characters of url-safe base64 encoding 32 bytes',
    },
  ),
  ENCRYPTION_KEYS_PREVIOUS: optionalString
    .transform((v) =>
      v === undefined
        ? []
        : v
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean),
    )
    .refine((keys) => keys.every((k) => FERNET_KEY.test(k) && Buffer.from(k, 'base64url').length === 32), {
      message: 'must be a comma-separated list of Fernet keys (retired keys, still accepted for decryption)',
    }),
  ALLOW_SIGNUP: flag(true),
  PUBLIC_BASE_URL: optionalUrl,
  CORS_ORIGINS: optionalString
    .transform((v) =>
      v === undefined
        ? []
        : v
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    )
    .refine((list) => list.every((o) => o === '*' || isUrl(o)), {
      message: 'must be a comma-separated list of origins (https://app.example.com)',
    }),
  BODY_LIMIT_BYTES: positiveInt(1_000_000),
  // How many proxies in front of the API append to X-Forwarded-For (Railway: 1, set in its
  // deploy config). The client IP used for rate limits is the one the nearest trusted proxy saw.
  // 0, the default, ignores the header: a client that reaches the API directly cannot choose
  // its own address by writing one.
  TRUST_PROXY_HOPS: optionalString
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 10), {
      message: 'must be a whole number from 0 to 10',
    })
    .transform((v) => (v === undefined ? 0 : Number(v))),
  RATE_LIMIT_IP_POINTS: positiveInt(300),
  RATE_LIMIT_IP_WINDOW_SECONDS: positiveInt(60),
  RATE_LIMIT_TENANT_POINTS: positiveInt(1200),
  RATE_LIMIT_TENANT_WINDOW_SECONDS: positiveInt(60),
  // OWASP's throttling: a few failures of one account from one address, more from one address
  // across accounts, and a much higher ceiling per account from everywhere (which also alerts
  // its owner), so a stranger cannot lock the owner out by guessing.
  LOGIN_MAX_FAILURES_PER_ACCOUNT_IP: positiveInt(5),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt(30),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(100),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt(900),
  REFRESH_TOKEN_TTL_DAYS: positiveInt(30),
  IDEMPOTENCY_KEY_TTL_HOURS: positiveInt(24),
  METRICS_TOKEN: optionalString,

  SANDBOX: flag(false),
  SANDBOX_URL: optionalUrl,

  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_MODEL: optionalString.transform((v) => v ?? 'claude-sonnet-5-5'),
  OPENAI_API_KEY: optionalString,
  /** The model the reply agent falls back to when Claude is overloaded or down. */
  OPENAI_MODEL: optionalString.transform((v) => v ?? 'gpt-5-mini'),
  GMAIL_WEBHOOK_URL: optionalUrl,
  GMAIL_PUBSUB_TOPIC: optionalString.refine((v) => v === undefined || /^projects\/[^/]+\/topics\/[^/]+$/.test(v), {
    message: 'must look like projects/<project>/topics/<topic>',
  }),
  GMAIL_PUBSUB_SERVICE_ACCOUNT: optionalString.refine((v) => v === undefined || /^[^@\s]+@[^@\s]+$/.test(v), {
    message: 'must be a service account email',
  }),
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  // Single sign-on. Google's client defaults to the Gmail connection's (GOOGLE_CLIENT_ID/SECRET);
  // any other OpenID Connect issuer (Entra, Okta…) is found by discovery from its issuer URL.
  GOOGLE_OAUTH_CLIENT_ID: optionalString,
  GOOGLE_OAUTH_CLIENT_SECRET: optionalString,
  OIDC_ISSUER_URL: optionalUrl,
  OIDC_CLIENT_ID: optionalString,
  OIDC_CLIENT_SECRET: optionalString,
  // A sync pass runs at least this often per mailbox, also when no push came (Pub/Sub can drop them).
  GMAIL_SYNC_FALLBACK_SECONDS: positiveInt(300),
  // users.watch lasts 7 days; renewing daily leaves six days of slack.
  GMAIL_WATCH_RENEW_HOURS: positiveInt(24),
  // The most recent inbox messages a full sync reads (first connect, or history gone).
  GMAIL_FULL_SYNC_MAX_MESSAGES: positiveInt(500),
  STRIPE_SECRET_KEY: optionalString.refine((v) => v === undefined || /^(sk|rk)_(test|live)_/.test(v), {
    message: 'must be a Stripe secret key (sk_test_…, sk_live_… or a restricted rk_ key)',
  }),
  STRIPE_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || v.startsWith('whsec_'), {
    message: 'must be a Stripe webhook signing secret (whsec_…)',
  }),
  TWILIO_ACCOUNT_SID: optionalString.refine((v) => v === undefined || /^AC[0-9a-fA-F]{32}$/.test(v), {
    message: 'must be a Twilio account SID (AC followed by 32 hex characters)',
  }),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM_NUMBER: optionalString.refine((v) => v === undefined || /^\+[1-9]\d{6,14}$/.test(v), {
    message: 'must be an E.164 phone number (+15551234567)',
  }),
  TWILIO_MESSAGING_SERVICE_SID: optionalString.refine((v) => v === undefined || /^MG[0-9a-fA-F]{32}$/.test(v), {
    message: 'must be a Twilio messaging service SID (MG…)',
  }),
  NOVA_SERVICE_URL: optionalUrl,
  ELI_SERVICE_URL: optionalUrl,

  // Where to connect: Temporal's standard variables (and config file profile), read as its own
  // tools read them by temporal/connection-settings.ts; listed here so each is documented.
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: optionalString,
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: optionalString,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalString,
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalString,
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: optionalString,
  TEMPORAL_PROFILE: optionalString,
  TEMPORAL_CONFIG_FILE: optionalString,
  // Frontdesk's earlier names of TEMPORAL_TLS_CLIENT_CERT_DATA and TEMPORAL_TLS_CLIENT_KEY_DATA.
  TEMPORAL_TLS_CERT: optionalString,
  TEMPORAL_TLS_KEY: optionalString,
  TEMPORAL_TASK_QUEUE: optionalString.transform((v) => v ?? 'frontdesk'),
  TEMPORAL_UI_URL: optionalUrl,
  // Dev stack only: the Temporal UI on this machine decodes every payload with no sign-in (the dev
  // server's UI cannot send credentials by itself). Only calls from loopback; refused in production.
  TEMPORAL_CODEC_LOCAL_DEV: flag(false),
  // Every Temporal call one API request makes shares this deadline: an unreachable server is a
  // 503 within seconds, not after the SDK's ~20 s of retries.
  TEMPORAL_REQUEST_DEADLINE_MS: positiveInt(5_000),
  // Which task queues this worker process polls (temporal/task-queues.ts): a comma-separated list
  // of reminders, delivery, agents; unset polls all three (one worker for everything).
  WORKER_TASK_QUEUES: optionalString
    .transform((v) =>
      v === undefined
        ? [...TASK_QUEUE_KINDS]
        : v
            .split(',')
            .map((k) => k.trim().toLowerCase())
            .filter(Boolean),
    )
    .refine((kinds) => kinds.length > 0 && kinds.every((k) => (TASK_QUEUE_KINDS as readonly string[]).includes(k)), {
      message: `must be a comma-separated list of ${TASK_QUEUE_KINDS.join(', ')}`,
    })
    .transform((kinds) => [...new Set(kinds)] as TaskQueueKind[]),
  // The sticky cache of every queue without a WORKER_<QUEUE>_MAX_CACHED_WORKFLOWS of its own.
  WORKER_MAX_CACHED_WORKFLOWS: optionalPositiveInt,
  ...workerTuningVariables(),
  WORKER_SHUTDOWN_GRACE_MS: positiveInt(30_000),
  // host:port where the worker serves the Temporal SDK's own Prometheus metrics (task latencies,
  // activity failures, sticky cache); unset serves none.
  WORKER_METRICS_BIND_ADDRESS: optionalString.refine((v) => v === undefined || /^[^\s:]+:\d{1,5}$/.test(v), {
    message: 'must be host:port, e.g. 0.0.0.0:9464',
  }),

  EMAIL_RETRY_INITIAL_SECONDS: positiveInt(30),
  EMAIL_RETRY_BACKOFF: optionalString
    .refine((v) => v === undefined || (/^\d+(\.\d+)?$/.test(v) && Number(v) >= 1), { message: 'must be a number >= 1' })
    .transform((v) => (v === undefined ? 2 : Number(v))),
  EMAIL_RETRY_MAX_INTERVAL_SECONDS: positiveInt(3600),
  EMAIL_RETRY_BUDGET_HOURS: positiveInt(24),
  // A send (email or SMS) whose worker died is tried again once this passes without a heartbeat.
  SEND_HEARTBEAT_TIMEOUT_SECONDS: positiveInt(45),

  // The guardian: one workflow per tenant that checks integrations and screens inbound mail.
  GUARDIAN_INTERVAL_MINUTES: positiveInt(5),
  // Continue-as-new at least this often, so a guardian's history stays small.
  GUARDIAN_PASSES_PER_RUN: positiveInt(50),
  GUARDIAN_STUCK_EMAIL_MINUTES: positiveInt(30),
  GUARDIAN_FAILED_EMAILS_THRESHOLD: positiveInt(3),
  GUARDIAN_FAILED_EMAILS_WINDOW_HOURS: positiveInt(24),
  GUARDIAN_WATCH_RENEW_WITHIN_HOURS: positiveInt(24),
  GUARDIAN_SCREEN_BATCH: positiveInt(25),
  GUARDIAN_INVOICES_PER_PASS: positiveInt(200),
  // Provider answers are the same for every tenant: a worker reuses a good one this long.
  GUARDIAN_PROVIDER_CHECK_REUSE_SECONDS: positiveInt(240),
  // At boot the worker starts a guardian for every tenant lacking one.
  GUARDIAN_BOOT_SWEEP: flag(true),

  // Expired rate-limit counters, refresh tokens, connect links and Idempotency-Keys are purged
  // this often: the interval of the Temporal Schedule `housekeeping` (the worker sets it at boot).
  HOUSEKEEPING_INTERVAL_MINUTES: positiveInt(60),
});

type Env = z.infer<typeof envSchema>;

/** Variables a production deploy cannot run without. */
const REQUIRED_IN_PRODUCTION = [
  'DATABASE_URL',
  'DEFAULT_TENANT_ID',
  'JWT_SECRET_KEY',
  'ENCRYPTION_KEY',
  'ANTHROPIC_API_KEY',
  'GMAIL_WEBHOOK_URL',
  'GMAIL_PUBSUB_TOPIC',
  'GMAIL_PUBSUB_SERVICE_ACCOUNT',
] as const satisfies readonly (keyof Env)[];

/** Needed everywhere: the dev and test commands generate them. */
const REQUIRED_ALWAYS = ['DATABASE_URL', 'DEFAULT_TENANT_ID', 'JWT_SECRET_KEY', 'ENCRYPTION_KEY'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable} ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface SsoIssuerConfig {
  /** Discovery runs against `<issuerUrl>/.well-known/openid-configuration`. */
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The SSO issuers this server signs in with. In sandbox mode both are the sandbox's stand-ins (its
 * keys are trusted then only, because only then does discovery point at it); else Google when a
 * client is set and the generic issuer when all three of its variables are.
 */
function ssoIssuers(env: Env, sandboxUrl: string): { google: SsoIssuerConfig | null; oidc: SsoIssuerConfig | null } {
  const googleId = env.GOOGLE_OAUTH_CLIENT_ID ?? env.GOOGLE_CLIENT_ID;
  const googleSecret = env.GOOGLE_OAUTH_CLIENT_SECRET ?? env.GOOGLE_CLIENT_SECRET;
  if (env.SANDBOX) {
    return {
      google: {
        issuerUrl: sandboxUrl,
        clientId: googleId ?? 'sandbox-google-client',
        clientSecret: googleSecret ?? 'sandbox-google-secret',
      },
      oidc: {
        issuerUrl: `${sandboxUrl}/oidc`,
        clientId: env.OIDC_CLIENT_ID ?? 'sandbox-oidc-client',
        clientSecret: env.OIDC_CLIENT_SECRET ?? 'sandbox-oidc-secret',
      },
    };
  }
  return {
    google:
      googleId && googleSecret
        ? { issuerUrl: 'https://accounts.google.com', clientId: googleId, clientSecret: googleSecret }
        : null,
    oidc:
      env.OIDC_ISSUER_URL && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET
        ? { issuerUrl: env.OIDC_ISSUER_URL, clientId: env.OIDC_CLIENT_ID, clientSecret: env.OIDC_CLIENT_SECRET }
        : null,
  };
}

function buildConfig(env: Env, temporalConnection: TemporalConnectionSettings) {
  const sandboxUrl = env.SANDBOX_URL ?? 'http://127.0.0.1:4010';
  const mode = (live: boolean): IntegrationMode => (env.SANDBOX ? 'sandbox' : live ? 'live' : 'unconfigured');
  const googleLive = Boolean(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET);
  const twilioLive = Boolean(
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && (env.TWILIO_FROM_NUMBER || env.TWILIO_MESSAGING_SERVICE_SID),
  );
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;

  return {
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    version: process.env.npm_package_version ?? process.env.RAILWAY_GIT_COMMIT_SHA?.slice(0, 12) ?? '0.1.0',
    port: env.PORT,
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY },
    database: {
      url: env.DATABASE_URL as string,
      migrationUrl: env.MIGRATION_DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
    },
    defaultTenantId: (env.DEFAULT_TENANT_ID as string).toLowerCase(),
    auth: {
      jwtSecret: env.JWT_SECRET_KEY as string,
      jwtIssuer: 'frontdesk',
      jwtAudience: 'frontdesk-api',
      accessTokenTtlSeconds: 15 * 60,
      allowSignup: env.ALLOW_SIGNUP,
      refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    },
    encryptionKey: env.ENCRYPTION_KEY as string,
    /** Retired keys: still decrypt what they encrypted, never used to encrypt. */
    previousEncryptionKeys: env.ENCRYPTION_KEYS_PREVIOUS,
    http: {
      publicBaseUrl,
      corsOrigins: env.CORS_ORIGINS,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      metricsToken: env.METRICS_TOKEN,
      trustProxyHops: env.TRUST_PROXY_HOPS,
      idempotencyKeyTtlHours: env.IDEMPOTENCY_KEY_TTL_HOURS,
    },
    rateLimit: {
      ip: { points: env.RATE_LIMIT_IP_POINTS, windowSeconds: env.RATE_LIMIT_IP_WINDOW_SECONDS },
      tenant: { points: env.RATE_LIMIT_TENANT_POINTS, windowSeconds: env.RATE_LIMIT_TENANT_WINDOW_SECONDS },
      login: {
        maxFailuresPerAccountIp: env.LOGIN_MAX_FAILURES_PER_ACCOUNT_IP,
        maxFailuresPerIp: env.LOGIN_MAX_FAILURES_PER_IP,
        maxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        windowSeconds: env.LOGIN_FAILURE_WINDOW_SECONDS,
      },
    },
    sandbox: { enabled: env.SANDBOX, url: sandboxUrl },
    integrations: {
      gmail: mode(googleLive),
      calendar: mode(googleLive),
      stripe: mode(Boolean(env.STRIPE_SECRET_KEY)),
      twilio: mode(twilioLive),
      anthropic: mode(Boolean(env.ANTHROPIC_API_KEY)),
    } satisfies Record<IntegrationName, IntegrationMode>,
    google: {
      clientId: env.GOOGLE_CLIENT_ID,
      clientSecret: env.GOOGLE_CLIENT_SECRET,
      webhookUrl: env.GMAIL_WEBHOOK_URL ?? `${publicBaseUrl}/api/gmail/webhook`,
      pubsubTopic: env.GMAIL_PUBSUB_TOPIC ?? 'projects/frontdesk-local/topics/gmail',
      pubsubServiceAccount: env.GMAIL_PUBSUB_SERVICE_ACCOUNT ?? 'gmail-push@frontdesk-local.iam.gserviceaccount.com',
    },
    /** Inbound mail: the per-mailbox sync and watch workflows (passed into them at start). */
    mailboxSync: {
      fallbackIntervalMs: env.GMAIL_SYNC_FALLBACK_SECONDS * 1000,
      watchRenewIntervalMs: env.GMAIL_WATCH_RENEW_HOURS * 3_600_000,
      fullSyncMaxMessages: env.GMAIL_FULL_SYNC_MAX_MESSAGES,
    },
    stripe: { secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET },
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      fromNumber: env.TWILIO_FROM_NUMBER,
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
    },
    anthropic: { apiKey: env.ANTHROPIC_API_KEY, model: env.ANTHROPIC_MODEL },
    openaiApiKey: env.OPENAI_API_KEY,
    /**
     * The reply agent's second provider, used only when Claude fails transiently. In sandbox mode
     * it counts as configured (the sandbox answers OpenAI's API too).
     */
    openai: {
      apiKey: env.OPENAI_API_KEY,
      model: env.OPENAI_MODEL,
      mode: mode(Boolean(env.OPENAI_API_KEY)),
    },
    services: { novaUrl: env.NOVA_SERVICE_URL, eliUrl: env.ELI_SERVICE_URL },
    sso: ssoIssuers(env, sandboxUrl),
    temporal: {
      /** address, namespace, apiKey, tls, grpcMeta: the same settings the `temporal` CLI reads. */
      ...temporalConnection,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      uiUrl: env.TEMPORAL_UI_URL,
      requestDeadlineMs: env.TEMPORAL_REQUEST_DEADLINE_MS,
      codecLocalDev: env.TEMPORAL_CODEC_LOCAL_DEV,
      workerMetricsBindAddress: env.WORKER_METRICS_BIND_ADDRESS,
    },
    /** Backoff for every email send (emailDelivery), passed into each workflow at start. */
    emailRetry: {
      initialIntervalMs: env.EMAIL_RETRY_INITIAL_SECONDS * 1000,
      backoffCoefficient: env.EMAIL_RETRY_BACKOFF,
      maximumIntervalMs: env.EMAIL_RETRY_MAX_INTERVAL_SECONDS * 1000,
      budgetMs: env.EMAIL_RETRY_BUDGET_HOURS * 3_600_000,
      heartbeatTimeoutMs: env.SEND_HEARTBEAT_TIMEOUT_SECONDS * 1000,
    },
    /** The per-tenant guardian workflow (interval and run length passed into it at start). */
    guardian: {
      intervalMs: env.GUARDIAN_INTERVAL_MINUTES * 60_000,
      passesPerRun: env.GUARDIAN_PASSES_PER_RUN,
      stuckEmailMinutes: env.GUARDIAN_STUCK_EMAIL_MINUTES,
      failedEmailsThreshold: env.GUARDIAN_FAILED_EMAILS_THRESHOLD,
      failedEmailsWindowHours: env.GUARDIAN_FAILED_EMAILS_WINDOW_HOURS,
      watchRenewWithinMs: env.GUARDIAN_WATCH_RENEW_WITHIN_HOURS * 3_600_000,
      screenBatch: env.GUARDIAN_SCREEN_BATCH,
      invoicesPerPass: env.GUARDIAN_INVOICES_PER_PASS,
      providerCheckReuseMs: env.GUARDIAN_PROVIDER_CHECK_REUSE_SECONDS * 1000,
      bootSweep: env.GUARDIAN_BOOT_SWEEP,
    },
    housekeeping: { intervalMs: env.HOUSEKEEPING_INTERVAL_MINUTES * 60_000 },
    worker: {
      /** The task queues this process polls (WORKER_TASK_QUEUES), by kind. */
      taskQueues: env.WORKER_TASK_QUEUES,
      /** Per queue kind: cache, concurrent task slots, pollers (WORKER_<QUEUE>_*). */
      tuning: workerTuning(env, env.WORKER_MAX_CACHED_WORKFLOWS),
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
    },
  };
}

export type Config = Readonly<ReturnType<typeof buildConfig>>;

/** Parses the environment; throws a ConfigError naming every variable at fault. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  const raw = (k: string) => {
    const v = source[k];
    return v !== undefined && v.trim() !== '';
  };
  const isProduction = source.NODE_ENV === 'production';
  const required: readonly string[] = isProduction ? REQUIRED_IN_PRODUCTION : REQUIRED_ALWAYS;
  for (const variable of required) {
    if (!raw(variable) && !problems.some((p) => p.variable === variable)) {
      problems.push({ variable, message: isProduction ? 'is required in production' : 'is required' });
    }
  }
  if (isProduction && /^(1|true|yes)$/i.test(source.SANDBOX ?? '')) {
    problems.push({
      variable: 'SANDBOX',
      message: 'must not be enabled in production (the sandbox fakes every provider)',
    });
  }
  if (isProduction && /^(1|true|yes)$/i.test(source.TEMPORAL_CODEC_LOCAL_DEV ?? '')) {
    problems.push({
      variable: 'TEMPORAL_CODEC_LOCAL_DEV',
      message: 'must not be enabled in production (it decodes every payload without sign-in)',
    });
  }
  // A half-configured SSO client is a mistake to report at start, not a login that fails later.
  for (const group of [
    ['GOOGLE_OAUTH_CLIENT_ID', 'GOOGLE_OAUTH_CLIENT_SECRET'],
    ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'],
  ]) {
    const given = group.filter(raw);
    if (given.length === 0 || given.length === group.length) continue;
    for (const variable of group.filter((v) => !raw(v))) {
      problems.push({
        variable,
        message: `is required when ${given.join(' and ')} ${given.length > 1 ? 'are' : 'is'} set`,
      });
    }
  }
  if (parsed.success)
    problems.push(...tuningProblems(workerTuning(parsed.data, parsed.data.WORKER_MAX_CACHED_WORKFLOWS)));
  const temporal = resolveTemporalConnection(source);
  problems.push(...temporal.problems);
  if (problems.length > 0 || !parsed.success || !temporal.settings) throw configError(problems);
  return deepFreeze(buildConfig(parsed.data, temporal.settings));
}

const temporalAccessSchema = envSchema.pick({
  ENCRYPTION_KEY: true,
  ENCRYPTION_KEYS_PREVIOUS: true,
  TEMPORAL_TASK_QUEUE: true,
});

export interface TemporalAccess {
  temporal: TemporalConnectionSettings & { taskQueue: string };
  encryptionKey: string;
  previousEncryptionKeys: readonly string[];
}

/**
 * Only what reading a namespace's histories takes (`npm run replay`): where Temporal is, the task
 * queue, and the keys that decrypt payloads. The database, sign-in and providers are not asked for.
 */
export function loadTemporalAccess(source: NodeJS.ProcessEnv = process.env): TemporalAccess {
  const parsed = temporalAccessSchema.safeParse(source);
  const problems = parsed.success ? [] : problemsOf(parsed.error);
  if (!source.ENCRYPTION_KEY?.trim() && !problems.some((p) => p.variable === 'ENCRYPTION_KEY')) {
    problems.push({
      variable: 'ENCRYPTION_KEY',
      message: 'is required (the payloads in the histories are encrypted with it)',
    });
  }
  const temporal = resolveTemporalConnection(source);
  problems.push(...temporal.problems);
  if (problems.length > 0 || !parsed.success || !temporal.settings) throw configError(problems);
  return deepFreeze({
    temporal: { ...temporal.settings, taskQueue: parsed.data.TEMPORAL_TASK_QUEUE },
    encryptionKey: parsed.data.ENCRYPTION_KEY as string,
    previousEncryptionKeys: parsed.data.ENCRYPTION_KEYS_PREVIOUS,
  });
}

function problemsOf(error: z.ZodError): { variable: string; message: string }[] {
  // Only our own messages are shown: zod's defaults can quote the received value.
  return error.issues.map((issue) => ({
    variable: String(issue.path[0]),
    message: issue.code === 'custom' ? issue.message : 'is not a valid value',
  }));
}

/** A variable may fail more than one rule; each is reported once, first reason first. */
function configError(problems: readonly { variable: string; message: string }[]): ConfigError {
  const seen = new Set<string>();
  return new ConfigError(problems.filter((p) => (seen.has(p.variable) ? false : (seen.add(p.variable), true))));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
