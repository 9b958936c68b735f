// Where the seed finds the stack, read from the same variables `npm run dev` honours (PORT,
// SANDBOX_PORT, TEMPORAL_UI_PORT, or the full SANDBOX_API_URL, SANDBOX_URL and TEMPORAL_UI_URL),
// and which account it fills (the demo owner, or --email/--password/--business).
import { parseArgs } from 'node:util';
import { DEMO_OWNER } from './demo-business';

export interface SeedOptions {
  apiUrl: string;
  sandboxUrl: string;
  temporalUiUrl: string;
  owner: { businessName: string; email: string; password: string; timezone: string };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function seedOptions(env: NodeJS.ProcessEnv, argv: string[]): SeedOptions {
  const { values } = parseArgs({
    args: argv,
    options: { email: { type: 'string' }, password: { type: 'string' }, business: { type: 'string' } },
    strict: true,
  });
  return {
    // SANDBOX_API_URL is where the sandbox delivers the API's webhooks: the local API.
    apiUrl: trimSlash(env.SANDBOX_API_URL || `http://127.0.0.1:${env.PORT || 3000}`),
    sandboxUrl: trimSlash(env.SANDBOX_URL || `http://127.0.0.1:${env.SANDBOX_PORT || 4010}`),
    temporalUiUrl: trimSlash(env.TEMPORAL_UI_URL || `http://127.0.0.1:${env.TEMPORAL_UI_PORT || 8233}`),
    owner: {
      ...DEMO_OWNER,
      ...(values.email ? { email: values.email.toLowerCase() } : {}),
      ...(values.password ? { password: values.password } : {}),
      ...(values.business ? { businessName: values.business } : {}),
    },
  };
}
