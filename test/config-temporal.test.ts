// Where the API and the worker connect to Temporal: the standard variables Temporal's own tools
// read (the `temporal` CLI, @temporalio/envconfig), a TOML profile under them, Frontdesk's older
// names as aliases, and every secret kept out of problems, logs and printed config.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { createLogger } from '../src/observability/logger';
import { connectionOptions } from '../src/temporal/connection-options';
import { describeTemporalConnection } from '../src/temporal/connection-settings';

const base = {
  DATABASE_URL: 'postgres://app:pw@127.0.0.1:5432/frontdesk',
  DEFAULT_TENANT_ID: '5b0f3a52-2f0e-4a8e-9d5e-0c1f2a3b4c5d',
  JWT_SECRET_KEY: 'x'.repeat(40),
  ENCRYPTION_KEY: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=',
};
const CERT = '-----BEGIN CERTIFICATE-----\nclient-certificate\n-----END CERTIFICATE-----';
const KEY = '-----BEGIN PRIVATE KEY-----\nclient-private-key-material\n-----END PRIVATE KEY-----';
const CA = '-----BEGIN CERTIFICATE-----\nserver-ca\n-----END CERTIFICATE-----';
const API_KEY = 'tmprl-api-key-' + 'k'.repeat(30);

let dir: string;
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-temporal-config-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ ...base, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

const temporalOf = (env: Record<string, string>) => loadConfig({ ...base, ...env }).temporal;

describe('Temporal connection settings', () => {
  it('defaults to a plaintext local server in the default namespace', () => {
    const t = temporalOf({});
    expect(describeTemporalConnection(t)).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      tls: 'off',
      apiKey: false,
    });
    expect(connectionOptions(t)).toEqual({ address: 'localhost:7233', tls: false });
  });

  it('reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE', () => {
    const t = temporalOf({ TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'acme.a1b2c' });
    expect([t.address, t.namespace]).toEqual(['acme.a1b2c.tmprl.cloud:7233', 'acme.a1b2c']);
  });

  it('sends TEMPORAL_API_KEY over TLS with the namespace header, and TEMPORAL_TLS=false turns TLS off', () => {
    const t = temporalOf({ TEMPORAL_NAMESPACE: 'acme.a1b2c', TEMPORAL_API_KEY: API_KEY });
    expect(connectionOptions(t)).toEqual({
      address: 'localhost:7233',
      tls: {},
      apiKey: API_KEY,
      metadata: { 'temporal-namespace': 'acme.a1b2c' },
    });
    expect(describeTemporalConnection(t)).toMatchObject({ tls: 'on', apiKey: true });
    expect(connectionOptions(temporalOf({ TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS: 'false' })).tls).toBe(false);
  });

  it('TEMPORAL_TLS=true turns TLS on with the system roots', () => {
    expect(connectionOptions(temporalOf({ TEMPORAL_TLS: 'true' })).tls).toEqual({});
    expect(connectionOptions(temporalOf({ TEMPORAL_TLS: '1' })).tls).toEqual({});
    expect(connectionOptions(temporalOf({ TEMPORAL_TLS: '0' })).tls).toBe(false);
    expect(problemsOf({ TEMPORAL_TLS: 'maybe' }).problems).toEqual([
      { variable: 'TEMPORAL_TLS', message: 'must be true/false or 1/0' },
    ]);
  });

  it('reads the client certificate and key inline (_DATA) or from files (_PATH)', () => {
    const inline = connectionOptions(
      temporalOf({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT, TEMPORAL_TLS_CLIENT_KEY_DATA: KEY }),
    );
    expect(inline.tls).toEqual({ clientCertPair: { crt: Buffer.from(CERT), key: Buffer.from(KEY) } });
    const files = connectionOptions(
      temporalOf({
        TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem', CERT),
        TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key', KEY),
      }),
    );
    expect(files.tls).toEqual(inline.tls);
    expect(
      describeTemporalConnection(temporalOf({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT, TEMPORAL_TLS_CLIENT_KEY_DATA: KEY }))
        .tls,
    ).toBe('mTLS');
  });

  it('reads the server CA inline or from a file, and the server name', () => {
    const byData = temporalOf({ TEMPORAL_TLS_SERVER_CA_CERT_DATA: CA, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
    expect(connectionOptions(byData).tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Buffer.from(CA),
    });
    const byPath = temporalOf({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem', CA) });
    expect(connectionOptions(byPath).tls).toEqual({ serverRootCACertificate: Buffer.from(CA) });
  });

  it('refuses TEMPORAL_TLS_DISABLE_HOST_VERIFICATION=true, which the TypeScript SDK cannot do, and accepts false', () => {
    const err = problemsOf({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' });
    expect(err.problems).toEqual([
      expect.objectContaining({
        variable: 'TEMPORAL_TLS_DISABLE_HOST_VERIFICATION',
        message: expect.stringMatching(/TEMPORAL_TLS_SERVER_NAME/),
      }),
    ]);
    expect(temporalOf({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'false' }).tls).toBeNull();
  });

  it('refuses a certificate from a file with its key inline (and the other way round), as the temporal CLI does', () => {
    const err = problemsOf({
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem', CERT),
      TEMPORAL_TLS_CLIENT_KEY_DATA: KEY,
    });
    expect(err.problems).toEqual([
      expect.objectContaining({
        variable: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
        message: expect.stringContaining('TEMPORAL_TLS_CLIENT_KEY_DATA'),
      }),
    ]);
    expect(
      problemsOf({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT, TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key', KEY) })
        .problems,
    ).toEqual([
      expect.objectContaining({
        variable: 'TEMPORAL_TLS_CLIENT_CERT_DATA',
        message: expect.stringContaining('TEMPORAL_TLS_CLIENT_KEY_PATH'),
      }),
    ]);
  });

  it('names a certificate or key file that cannot be read', () => {
    const err = problemsOf({
      TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'missing.pem'),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key', KEY),
    });
    expect(err.problems).toEqual([
      { variable: 'TEMPORAL_TLS_CLIENT_CERT_PATH', message: 'names a file that cannot be read' },
    ]);
  });

  it('requires the client certificate and key together', () => {
    expect(problemsOf({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT }).problems).toEqual([
      expect.objectContaining({ variable: 'TEMPORAL_TLS_CLIENT_KEY_DATA' }),
    ]);
    expect(problemsOf({ TEMPORAL_TLS_CLIENT_KEY_PATH: file('only.key', KEY) }).problems).toEqual([
      expect.objectContaining({ variable: 'TEMPORAL_TLS_CLIENT_CERT_DATA' }),
    ]);
  });

  it.each([
    ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_DATA', CERT],
    ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_DATA', KEY],
    ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA', CA],
  ])('refuses %s and %s together, naming both', (pathVariable, dataVariable, data) => {
    const err = problemsOf({ [pathVariable]: file('both.pem', data), [dataVariable]: data });
    expect(err.problems).toEqual([
      expect.objectContaining({ variable: pathVariable, message: expect.stringContaining(dataVariable) }),
    ]);
  });

  describe('Frontdesk’s earlier names', () => {
    it('reads TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY as the client certificate and key', () => {
      const old = temporalOf({ TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: KEY });
      const standard = temporalOf({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT, TEMPORAL_TLS_CLIENT_KEY_DATA: KEY });
      expect(connectionOptions(old)).toEqual(connectionOptions(standard));
    });

    it('accepts an alias beside its standard name when both say the same', () => {
      const t = temporalOf({ TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_CLIENT_CERT_DATA: CERT, TEMPORAL_TLS_KEY: KEY });
      expect(connectionOptions(t).tls).toEqual({ clientCertPair: { crt: Buffer.from(CERT), key: Buffer.from(KEY) } });
    });

    it.each([
      [
        'TEMPORAL_TLS_CERT',
        'TEMPORAL_TLS_CLIENT_CERT_DATA',
        { TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_CLIENT_CERT_DATA: CERT + '\nother', TEMPORAL_TLS_KEY: KEY },
      ],
      [
        'TEMPORAL_TLS_KEY',
        'TEMPORAL_TLS_CLIENT_KEY_DATA',
        { TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: KEY, TEMPORAL_TLS_CLIENT_KEY_DATA: KEY + '\nother' },
      ],
      [
        'TEMPORAL_TLS_KEY',
        'TEMPORAL_TLS_CLIENT_KEY_PATH',
        { TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: KEY, TEMPORAL_TLS_CLIENT_KEY_PATH: '/run/secrets/temporal.key' },
      ],
    ])('refuses %s and %s set differently, naming both and quoting neither', (alias, standard, env) => {
      const err = problemsOf(env);
      expect(err.problems).toEqual([
        expect.objectContaining({ variable: alias, message: expect.stringContaining(standard) }),
      ]);
      expect(err.message).toContain(alias);
      expect(err.message).toContain(standard);
      expect(err.message).not.toContain('BEGIN');
      expect(err.message).not.toContain('/run/secrets');
    });

    it('still requires the pair together', () => {
      expect(problemsOf({ TEMPORAL_TLS_CERT: CERT }).problems).toEqual([
        expect.objectContaining({ variable: 'TEMPORAL_TLS_CLIENT_KEY_DATA' }),
      ]);
    });
  });

  describe('a Temporal config file (TOML), as the CLI reads it', () => {
    const toml = () =>
      file(
        'temporal.toml',
        [
          '[profile.default]',
          'address = "default.example:7233"',
          'namespace = "from-default-profile"',
          '',
          '[profile.prod]',
          'address = "prod.a1b2c.tmprl.cloud:7233"',
          'namespace = "prod.a1b2c"',
          `api_key = "${API_KEY}"`,
          '[profile.prod.tls]',
          'server_name = "prod.internal"',
          '[profile.prod.grpc_meta]',
          'x-tenant-route = "eu"',
        ].join('\n'),
      );

    it('uses the default profile of TEMPORAL_CONFIG_FILE', () => {
      const t = temporalOf({ TEMPORAL_CONFIG_FILE: toml() });
      expect([t.address, t.namespace]).toEqual(['default.example:7233', 'from-default-profile']);
    });

    it('uses the profile TEMPORAL_PROFILE names, with its key, TLS and gRPC headers', () => {
      const t = temporalOf({ TEMPORAL_CONFIG_FILE: toml(), TEMPORAL_PROFILE: 'prod' });
      expect(connectionOptions(t)).toEqual({
        address: 'prod.a1b2c.tmprl.cloud:7233',
        tls: { serverNameOverride: 'prod.internal' },
        apiKey: API_KEY,
        metadata: { 'x-tenant-route': 'eu', 'temporal-namespace': 'prod.a1b2c' },
      });
    });

    it('lets the variables override the profile', () => {
      const t = temporalOf({
        TEMPORAL_CONFIG_FILE: toml(),
        TEMPORAL_PROFILE: 'prod',
        TEMPORAL_NAMESPACE: 'staging.a1b2c',
      });
      expect([t.address, t.namespace]).toEqual(['prod.a1b2c.tmprl.cloud:7233', 'staging.a1b2c']);
    });

    it('finds ~/.config/temporalio/temporal.toml by itself, as the CLI does', () => {
      const home = path.join(dir, 'home');
      fs.mkdirSync(path.join(home, '.config', 'temporalio'), { recursive: true });
      fs.copyFileSync(toml(), path.join(home, '.config', 'temporalio', 'temporal.toml'));
      expect(temporalOf({ HOME: home }).namespace).toBe('from-default-profile');
    });

    it('names a missing file, a missing profile and a file that is not TOML, without quoting it', () => {
      expect(problemsOf({ TEMPORAL_CONFIG_FILE: path.join(dir, 'nope.toml') }).problems).toEqual([
        { variable: 'TEMPORAL_CONFIG_FILE', message: 'names a file that does not exist' },
      ]);
      expect(problemsOf({ TEMPORAL_CONFIG_FILE: toml(), TEMPORAL_PROFILE: 'staging' }).problems).toEqual([
        expect.objectContaining({ variable: 'TEMPORAL_PROFILE' }),
      ]);
      const broken = problemsOf({
        TEMPORAL_CONFIG_FILE: file('broken.toml', `[profile.default\napi_key = "${API_KEY}"`),
      });
      expect(broken.problems).toEqual([
        expect.objectContaining({
          variable: 'TEMPORAL_CONFIG_FILE',
          message: expect.stringMatching(/not a valid TOML file/),
        }),
      ]);
      expect(broken.message).not.toContain(API_KEY);
    });
  });

  describe('secrets', () => {
    let config: Config;
    beforeAll(() => {
      config = loadConfig({
        ...base,
        TEMPORAL_API_KEY: API_KEY,
        TEMPORAL_TLS_CLIENT_CERT_DATA: CERT,
        TEMPORAL_TLS_CLIENT_KEY_DATA: KEY,
        TEMPORAL_GRPC_META_AUTHORIZATION: 'Bearer grpc-meta-secret',
      });
    });
    const leaks = (text: string) =>
      [API_KEY, 'client-private-key-material', 'grpc-meta-secret'].filter((s) => text.includes(s));

    it('are usable by the connection and still frozen with the config', () => {
      const options = connectionOptions(config.temporal);
      expect(options.apiKey).toBe(API_KEY);
      expect(options.metadata).toMatchObject({ authorization: 'Bearer grpc-meta-secret' });
      expect(Object.isFrozen(config.temporal.tls)).toBe(true);
    });

    it('never appear when the config is printed, serialised or described', () => {
      expect(leaks(JSON.stringify(config))).toEqual([]);
      expect(leaks(inspect(config, { depth: null }))).toEqual([]);
      expect(leaks(`${String(config.temporal.apiKey)} ${String(config.temporal.tls?.clientKey)}`)).toEqual([]);
      expect(leaks(JSON.stringify(describeTemporalConnection(config.temporal)))).toEqual([]);
      // The certificate is public: it may be shown.
      expect(JSON.stringify(config)).toContain('client-certificate');
    });

    it('never appear in a log line that carries the Temporal settings', async () => {
      let written = '';
      const sink = new Writable({ write: (chunk: Buffer, _enc, done) => ((written += chunk.toString()), done()) });
      const logger = pino({ level: 'info' }, sink);
      logger.info({ temporal: config.temporal, settings: { ...config.temporal } }, 'connecting');
      createLogger({ name: 'test', level: 'silent', pretty: false }).info({ temporal: config.temporal });
      await new Promise((r) => setImmediate(r));
      expect(written).toContain('connecting');
      expect(leaks(written)).toEqual([]);
    });
  });
});
