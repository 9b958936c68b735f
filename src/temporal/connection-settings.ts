// Where the API, the worker and the replay command connect to Temporal, read the way Temporal's
// own tools read it (@temporalio/envconfig, the same rules as the `temporal` CLI): the standard
// TEMPORAL_* variables over a profile of a TOML config file (TEMPORAL_CONFIG_FILE, else
// ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE, else "default"). So an operator's settings
// work unchanged for this app and for the CLI.
//
// The names Frontdesk used before (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY) are still read, as aliases
// of the standard _DATA names; setting both names of one setting to different values is refused.
// Values are never quoted in a problem: the API key and the private key are secrets.
import fs from 'node:fs';
import { loadClientConfigProfile, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { Redacted } from '../redacted';

export interface TemporalTlsSettings {
  /** The name the server's certificate is checked against, instead of the address's host. */
  serverName?: string;
  /** PEM: the CA that signed the server's certificate (else the system's trusted roots). */
  serverRootCaCert?: string;
  /** PEM: the client certificate and its private key, for mTLS. */
  clientCert?: string;
  clientKey?: Redacted;
}

export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  apiKey: Redacted | undefined;
  /** null: a plaintext connection (a local dev server). */
  tls: TemporalTlsSettings | null;
  /** Extra gRPC headers (TEMPORAL_GRPC_META_*, grpc_meta in the file); may carry credentials. */
  grpcMeta: Redacted<Readonly<Record<string, string>>> | undefined;
}

export interface SettingsProblem {
  variable: string;
  message: string;
}

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/** The standard variables, as the CLI's `temporal options` lists them. */
export const STANDARD_TEMPORAL_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CLIENT_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_PATH',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
  'TEMPORAL_PROFILE',
  'TEMPORAL_CONFIG_FILE',
] as const;

/** Frontdesk's earlier names, each the same setting as a standard one. */
export const TEMPORAL_ALIASES = {
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_DATA',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_DATA',
} as const;

/** Each file-or-inline setting: at most one of its variables may be given. */
const PATH_OR_DATA = [
  { what: 'client certificate', path: 'TEMPORAL_TLS_CLIENT_CERT_PATH', data: 'TEMPORAL_TLS_CLIENT_CERT_DATA' },
  { what: 'client private key', path: 'TEMPORAL_TLS_CLIENT_KEY_PATH', data: 'TEMPORAL_TLS_CLIENT_KEY_DATA' },
  { what: 'server CA certificate', path: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', data: 'TEMPORAL_TLS_SERVER_CA_CERT_DATA' },
] as const;

const BOOLEAN_VARIABLES = ['TEMPORAL_TLS', 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION'] as const;
// The values Temporal's Go CLI and the TypeScript envconfig both read the same way.
const BOOLEAN = /^(1|0|true|false)$/i;

/**
 * The connection settings from `source` (process.env), or the problems that stop the process.
 * Reads the config file and any certificate or key file named, so a missing file is a boot error.
 */
export function resolveTemporalConnection(
  source: Record<string, string | undefined>,
): { settings: TemporalConnectionSettings; problems: [] } | { settings: null; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const env = standardEnvironment(source, problems);

  for (const { what, path, data } of PATH_OR_DATA) {
    if (env[path] !== undefined && env[data] !== undefined) {
      problems.push({ variable: path, message: `and ${data} are both set: give the ${what} one way only` });
    }
  }
  // The `temporal` CLI refuses a certificate from a file with its key inline, or the other way
  // round: refused here too, so one set of variables never works for one and not the other.
  const certBy =
    env.TEMPORAL_TLS_CLIENT_CERT_PATH !== undefined
      ? 'PATH'
      : env.TEMPORAL_TLS_CLIENT_CERT_DATA !== undefined
        ? 'DATA'
        : null;
  const keyBy =
    env.TEMPORAL_TLS_CLIENT_KEY_PATH !== undefined
      ? 'PATH'
      : env.TEMPORAL_TLS_CLIENT_KEY_DATA !== undefined
        ? 'DATA'
        : null;
  if (certBy && keyBy && certBy !== keyBy && problems.length === 0) {
    problems.push({
      variable: `TEMPORAL_TLS_CLIENT_CERT_${certBy}`,
      message: `and TEMPORAL_TLS_CLIENT_KEY_${keyBy} give the certificate and its key in different ways: use both _PATH or both _DATA (the temporal CLI accepts no mix)`,
    });
  }
  for (const variable of BOOLEAN_VARIABLES) {
    const value = env[variable];
    if (value === undefined) continue;
    if (!BOOLEAN.test(value)) problems.push({ variable, message: 'must be true/false or 1/0' });
    else env[variable] = value.toLowerCase();
  }
  // false is what the SDK always does, so it says nothing (and does not by itself turn TLS on).
  if (env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === 'false' || env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === '0') {
    delete env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION;
  }
  if (env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === 'true' || env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION === '1') {
    problems.push({
      variable: 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
      message:
        "is not supported by Temporal's TypeScript SDK, which the API and the worker use: name the certificate's host with " +
        'TEMPORAL_TLS_SERVER_NAME, or trust its CA with TEMPORAL_TLS_SERVER_CA_CERT_PATH',
    });
  }
  if (env.TEMPORAL_CONFIG_FILE !== undefined && !fs.existsSync(env.TEMPORAL_CONFIG_FILE)) {
    problems.push({ variable: 'TEMPORAL_CONFIG_FILE', message: 'names a file that does not exist' });
  }
  if (problems.length > 0) return { settings: null, problems };

  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: env as Record<string, string> });
  } catch (err) {
    return { settings: null, problems: [profileProblem(err, env)] };
  }

  const readSource = (variable: string, from: ConfigDataSource | undefined): string | undefined => {
    if (from === undefined) return undefined;
    if ('data' in from) return typeof from.data === 'string' ? from.data : Buffer.from(from.data).toString('utf8');
    try {
      return fs.readFileSync(from.path, 'utf8');
    } catch {
      const where = env[variable] === undefined ? ' (given in the Temporal config file)' : '';
      problems.push({ variable, message: `names a file that cannot be read${where}` });
      return undefined;
    }
  };

  const apiKey = profile.apiKey ? new Redacted(profile.apiKey) : undefined;
  let tls: TemporalTlsSettings | null = null;
  if (profile.tls && profile.tls.disabled !== true) {
    const clientCert = readSource('TEMPORAL_TLS_CLIENT_CERT_PATH', profile.tls.clientCert);
    const clientKey = readSource('TEMPORAL_TLS_CLIENT_KEY_PATH', profile.tls.clientKey);
    const serverRootCaCert = readSource('TEMPORAL_TLS_SERVER_CA_CERT_PATH', profile.tls.serverCACert);
    if (profile.tls.clientCert !== undefined && profile.tls.clientKey === undefined) {
      problems.push({
        variable: 'TEMPORAL_TLS_CLIENT_KEY_DATA',
        message: 'or TEMPORAL_TLS_CLIENT_KEY_PATH must be set with the client certificate (mTLS needs both)',
      });
    }
    if (profile.tls.clientKey !== undefined && profile.tls.clientCert === undefined) {
      problems.push({
        variable: 'TEMPORAL_TLS_CLIENT_CERT_DATA',
        message: 'or TEMPORAL_TLS_CLIENT_CERT_PATH must be set with the client private key (mTLS needs both)',
      });
    }
    tls = {
      ...(profile.tls.serverName ? { serverName: profile.tls.serverName } : {}),
      ...(serverRootCaCert ? { serverRootCaCert } : {}),
      ...(clientCert ? { clientCert } : {}),
      ...(clientKey ? { clientKey: new Redacted(clientKey) } : {}),
    };
  } else if (!profile.tls && apiKey) {
    // As Temporal's tools do: an API key is only ever sent over TLS, unless TLS is turned off.
    tls = {};
  }
  if (problems.length > 0) return { settings: null, problems };

  return {
    settings: {
      address: profile.address ?? DEFAULT_TEMPORAL_ADDRESS,
      namespace: profile.namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
      apiKey,
      tls,
      grpcMeta:
        profile.grpcMeta && Object.keys(profile.grpcMeta).length > 0
          ? new Redacted(Object.freeze({ ...profile.grpcMeta }))
          : undefined,
    },
    problems: [],
  };
}

/**
 * The environment as envconfig should see it: blank values unset (as everywhere in the config),
 * values trimmed, and each alias moved to its standard name (a conflicting pair is a problem).
 */
function standardEnvironment(
  source: Record<string, string | undefined>,
  problems: SettingsProblem[],
): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    // An empty TEMPORAL_GRPC_META_X deliberately removes that header from the file's profile.
    if (key.startsWith('TEMPORAL_') && !key.startsWith('TEMPORAL_GRPC_META_')) {
      if (value.trim() !== '') env[key] = value.trim();
    } else {
      env[key] = value;
    }
  }
  for (const [alias, standard] of Object.entries(TEMPORAL_ALIASES)) {
    const value = env[alias];
    if (value === undefined) continue;
    delete env[alias];
    const pathVariable = standard.replace(/_DATA$/, '_PATH');
    if (env[standard] !== undefined && env[standard] !== value) {
      problems.push({
        variable: alias,
        message: `and ${standard} are both set, to different values: keep ${standard} only (${alias} is its older name)`,
      });
    } else if (env[pathVariable] !== undefined) {
      problems.push({
        variable: alias,
        message: `and ${pathVariable} are both set: keep ${pathVariable} only (${alias} is the older name of ${standard})`,
      });
    } else {
      env[standard] = value;
    }
  }
  return env;
}

/** A config file or profile that cannot be used; a TOML parse error is not quoted (it shows the line, which may hold a key). */
function profileProblem(err: unknown, env: Record<string, string | undefined>): SettingsProblem {
  const message = err instanceof Error ? err.message : String(err);
  if (/^Profile '.*' not found/.test(message)) {
    return { variable: 'TEMPORAL_PROFILE', message: 'names a profile that the Temporal config file does not have' };
  }
  const file = env.TEMPORAL_CONFIG_FILE === undefined ? ' (the default file, ~/.config/temporalio/temporal.toml)' : '';
  if (/^Invalid TOML document/.test(message)) {
    const line =
      typeof (err as { line?: unknown }).line === 'number' ? ` (line ${(err as { line: number }).line})` : '';
    return { variable: 'TEMPORAL_CONFIG_FILE', message: `is not a valid TOML file${line}${file}` };
  }
  if (/^Cannot specify both/.test(message))
    return {
      variable: 'TEMPORAL_CONFIG_FILE',
      message: `has a profile that ${message.replace(/^Cannot/, 'cannot')}${file}`,
    };
  return { variable: 'TEMPORAL_CONFIG_FILE', message: `could not be read${file}` };
}

/** What a log line or a printout may say about the connection: never a key. */
export function describeTemporalConnection(t: TemporalConnectionSettings): Record<string, string | boolean> {
  return {
    address: t.address,
    namespace: t.namespace,
    tls: t.tls === null ? 'off' : t.tls.clientCert ? 'mTLS' : 'on',
    ...(t.tls?.serverName ? { tlsServerName: t.tls.serverName } : {}),
    apiKey: t.apiKey !== undefined,
  };
}
