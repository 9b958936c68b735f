/**
 * How long the web process lets in-flight requests finish after SIGTERM before it closes their
 * connections. The platform must wait longer than this before it kills the process (railway.json's
 * drainingSeconds, checked by test/deploy/railway-config.test.ts).
 */
export const API_DRAIN_TIMEOUT_MS = 10_000;
