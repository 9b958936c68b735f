import { loadConfig, type Config } from '../../src/config';

/** The config the test stack exported (scripts/stack/main.ts), with per-test overrides. */
export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', ...overrides });
}
