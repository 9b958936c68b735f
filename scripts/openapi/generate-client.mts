// npm run client:generate [-- --from <url or file>] [--out <dir>]: a typed TypeScript SDK for the
// API, generated from its OpenAPI document by @hey-api/openapi-ts (one function per operation,
// named by its operationId: logIn, listClients, createInvoice…, with request and response types).
// By default it reads the running dev stack's document and writes generated/frontdesk-client.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@hey-api/openapi-ts';

const { values } = parseArgs({
  options: {
    from: { type: 'string', default: `${process.env.API_URL ?? 'http://localhost:3000'}/api/openapi.json` },
    out: { type: 'string', default: 'generated/frontdesk-client' },
  },
});

async function main(): Promise<void> {
  const out = path.resolve(values.out as string);
  await createClient({ input: values.from as string, output: { path: out }, logs: { level: 'silent' } });
  console.log(`client generated from ${values.from} into ${out}`);
}

main().catch((err: unknown) => {
  console.error(`client:generate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
