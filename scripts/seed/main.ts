// `npm run seed`: fills the running dev stack (`npm run dev`) with a demo business and prints how
// to sign in. Progress goes to stderr, the sign-in summary to stdout.
//   npm run seed                                   the demo owner (scripts/seed/demo-business.ts)
//   npm run seed -- --email me@x.example --password '…' --business 'My Salon'
import { HttpClient, SeedError } from './http-client';
import { seedOptions } from './options';
import { seed } from './seed';
import { type ExtraIds, summary } from './summary';

async function main(): Promise<void> {
  const options = seedOptions(process.env, process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`[seed] ${line}\n`);
  log(`filling ${options.apiUrl} (sandbox ${options.sandboxUrl})`);
  const result = await seed(options, log);
  process.stdout.write(
    summary(options, result, await newestIds(new HttpClient(options.apiUrl), result.owner.accessToken)),
  );
}

/** An email and a text the business sent (its reminders), for the request files' variables. */
async function newestIds(api: HttpClient, token: string): Promise<ExtraIds> {
  type Page = { items: { id: string }[] };
  const [emails, texts] = await Promise.all([
    api.call<Page>('GET', '/api/emails?limit=1', { token }),
    api.call<Page>('GET', '/api/sms?limit=1', { token }),
  ]);
  return { emailId: emails.body.items[0]?.id, smsId: texts.body.items[0]?.id };
}

main().catch((err: unknown) => {
  // A SeedError already says what to do; anything else is a bug worth its stack.
  process.stderr.write(
    `[seed] failed: ${err instanceof SeedError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
