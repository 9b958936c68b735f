// `npm run sandbox`: the provider sandbox on its own (SANDBOX_PORT, default 4010). The dev and
// test commands start it the same way, as a child process (scripts/stack/sandbox.ts).
import { sandboxOptionsFromEnv } from './options';
import { startSandbox } from './server';

async function main(): Promise<void> {
  const options = sandboxOptionsFromEnv(process.env);
  const running = await startSandbox(options);
  process.stdout.write(`Provider sandbox listening on ${running.url} (webhooks go to ${options.apiUrl})\n`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
