// Safe local values for every secret the config needs, so a fresh clone runs with no .env.
// Dev keeps them in $DATA_DIR/local-secrets.env (so tokens and encrypted rows survive restarts);
// tests get fresh ones each run. Values already in the environment always win.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Fernet } from '../../src/crypto/fernet';

const GENERATORS: Record<string, () => string> = {
  JWT_SECRET_KEY: () => crypto.randomBytes(48).toString('base64url'),
  ENCRYPTION_KEY: () => Fernet.generateKey(),
  DEFAULT_TENANT_ID: () => crypto.randomUUID(),
  STRIPE_WEBHOOK_SECRET: () => `whsec_${crypto.randomBytes(24).toString('hex')}`,
  TWILIO_AUTH_TOKEN: () => crypto.randomBytes(16).toString('hex'),
  METRICS_TOKEN: () => crypto.randomBytes(24).toString('base64url'),
  PG_SUPERUSER_PASSWORD: () => crypto.randomBytes(18).toString('base64url'),
  PG_OWNER_PASSWORD: () => crypto.randomBytes(18).toString('base64url'),
  PG_APP_PASSWORD: () => crypto.randomBytes(18).toString('base64url'),
};

export function localSecrets(options: { persistIn: string | null }): Record<string, string> {
  const stored: Record<string, string> = {};
  const file = options.persistIn ? path.join(options.persistIn, 'local-secrets.env') : null;
  if (file && fs.existsSync(file)) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m?.[1] && m[2] !== undefined) stored[m[1]] = m[2];
    }
  }
  const values: Record<string, string> = {};
  const generated: Record<string, string> = {};
  for (const [name, generate] of Object.entries(GENERATORS)) {
    const value = stored[name] || generate();
    generated[name] = value;
    // A value given in the environment is used but never written to disk.
    values[name] = process.env[name] || value;
  }
  if (file) {
    fs.writeFileSync(
      file,
      '# Generated local secrets for npm run dev. Never use these in production.\n' +
        Object.entries(generated)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n') +
        '\n',
      { mode: 0o600 },
    );
  }
  return values;
}
