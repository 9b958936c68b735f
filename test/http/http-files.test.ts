// The request files in http/ keep working: every request in them is sent, as the REST clients
// send it, to the real API (and the provider sandbox) of an end-to-end stack, with the variables
// filled from a business of its own per file, and must reach a route (no 404 for an unknown
// route, no 405), answer without a server error, and answer the status its `# expect` comment
// names. And every operation in the OpenAPI document has a request in some file, so a new route
// without one fails here.
import path from 'node:path';
import { registerTenant, uniqueEmail, type SignedInUser } from '../helpers/auth';
import { eventually } from '../helpers/eventually';
import { startE2E, type E2E } from '../helpers/e2e';
import { readHttpFiles, substitute, type HttpFile, type HttpFileRequest } from '../helpers/http-files';
import { seedTenantRecords } from '../helpers/tenant-seed';

const files = readHttpFiles(path.resolve(__dirname, '../../http'));
/** A value in parentheses is a placeholder a reader replaces (with what `npm run seed` prints). */
const PLACEHOLDER = /^\(.*\)$/;

let e2e: E2E;
let openapi: { paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  e2e = await startE2E();
  openapi = (await e2e.call('GET', '/api/openapi.json')).body;
});

afterAll(() => e2e?.close());

/** A business with one record of every kind (test/helpers/tenant-seed.ts), as the file's variables. */
async function variablesFor(): Promise<Record<string, string>> {
  const owner: SignedInUser = await registerTenant(e2e.server);
  await seedTenantRecords(e2e.server, owner);
  const first = async (list: string) => {
    const res = await e2e.call('GET', `${list}?limit=1`, { token: owner.accessToken });
    if (res.status !== 200 || !res.body.items[0]) throw new Error(`${list} has nothing to use: ${res.text}`);
    return res.body.items[0];
  };
  const invoice = await first('/api/invoices');
  return {
    host: e2e.server.url,
    sandbox: e2e.sandbox.url,
    accessToken: owner.accessToken,
    refreshToken: owner.refreshToken,
    email: owner.email,
    password: owner.password,
    userId: owner.userId,
    tenantId: owner.tenantId,
    newOwnerEmail: uniqueEmail('http-file-owner'),
    newUserEmail: uniqueEmail('http-file-user'),
    inviteEmail: uniqueEmail('http-file-invitee'),
    clientId: (await first('/api/clients')).id,
    serviceId: (await first('/api/services')).id,
    bookingId: (await first('/api/bookings')).id,
    // The client's self-service link, from the seeded booking's confirmation (sent by the worker).
    bookingLink: await bookingLinkFrom(owner.email),
    invoiceId: invoice.id,
    workflowId: invoice.workflowId,
    emailId: (await first('/api/emails')).id,
    smsId: (await first('/api/sms')).id,
    threadId: (await first('/api/threads')).id,
    unsafeThreadId: (await first('/api/unsafe-threads')).id,
    draftId: (await first('/api/agents/drafts')).id,
    metricsToken: e2e.config.http.metricsToken ?? '',
  };
}

async function bookingLinkFrom(mailbox: string): Promise<string> {
  return eventually(
    async () => {
      const sent = await e2e.sandbox.sent('gmail');
      const found = sent
        .filter((m) => m.from?.includes(mailbox))
        .map((m) => /\/api\/public\/bookings\/([\w-]+\.[\w-]+\.[\w-]+)/.exec(m.text)?.[1]);
      return found.find((t) => t !== undefined);
    },
    30_000,
    'the booking confirmation',
  );
}

async function send(file: HttpFile, request: HttpFileRequest, given: Record<string, string>) {
  const url = substitute(request.url, file, given);
  const headers = Object.fromEntries(request.headers.map(([name, value]) => [name, substitute(value, file, given)]));
  const body = request.body === null ? undefined : substitute(request.body, file, given);
  const res = await fetch(url, { method: request.method, headers, body, redirect: 'manual' });
  const text = await res.text();
  return { url, status: res.status, text };
}

/** The API's answer for a path no router has (src/api/app.ts), and the sandbox's (Koa's default). */
function unknownRoute(answer: { status: number; text: string }): boolean {
  if (answer.status === 405 || answer.status === 501) return true;
  if (answer.status !== 404) return false;
  try {
    return String(JSON.parse(answer.text).detail).startsWith('No route for');
  } catch {
    return true;
  }
}

describe.each(files.map((f) => [f.file, f] as const))('%s', (_name, file) => {
  let given: Record<string, string>;

  beforeAll(async () => {
    given = await variablesFor();
  }, 60_000);

  it('has requests, and every placeholder is one the test fills', () => {
    expect(file.requests.length).toBeGreaterThan(0);
    const unfilled = [...file.variables]
      .filter(([name, value]) => PLACEHOLDER.test(value) && given[name] === undefined)
      .map(([name]) => name);
    expect(unfilled).toEqual([]);
  });

  it.each(file.requests.map((r) => [`line ${r.line}: ${r.method} ${r.url}`, r] as const))(
    '%s',
    async (_title, request) => {
      const answer = await send(file, request, given);
      const seen = `${request.method} ${answer.url} answered ${answer.status}: ${answer.text.slice(0, 300)}`;
      expect({ reachedARoute: !unknownRoute(answer), serverError: answer.status >= 500, seen }).toEqual({
        reachedARoute: true,
        serverError: false,
        seen,
      });
      if (request.expectStatus !== null)
        expect({ status: answer.status, seen }).toEqual({ status: request.expectStatus, seen });
    },
  );
});

it('tells a route that does not exist from an id that does not exist', async () => {
  const { accessToken } = await registerTenant(e2e.server);
  const answer = async (base: string, p: string) => {
    const res = await fetch(base + p, { headers: { Authorization: `Bearer ${accessToken}` } });
    return { status: res.status, text: await res.text() };
  };
  expect(unknownRoute(await answer(e2e.server.url, '/api/no-such-route'))).toBe(true);
  expect(unknownRoute(await answer(e2e.server.url, '/api/clients/00000000-0000-4000-8000-000000000000'))).toBe(false);
  expect(unknownRoute(await answer(e2e.sandbox.url, '/_sandbox/no-such-route'))).toBe(true);
});

it('has a request for every operation in the OpenAPI document', () => {
  const requested = files.flatMap((file) =>
    file.requests
      .filter((r) => r.url.startsWith('{{host}}'))
      .map((r) => ({ method: r.method.toLowerCase(), path: normalise(r.url.slice('{{host}}'.length).split('?')[0]!) })),
  );
  const operations = Object.entries(openapi.paths).flatMap(([p, ops]) =>
    Object.keys(ops).map((method) => ({ method, path: p })),
  );
  // A path parameter takes one segment: a request's {{variable}} or an actual value.
  const matches = (op: { method: string; path: string }, r: { method: string; path: string }) =>
    op.method === r.method &&
    new RegExp(
      `^${normalise(op.path)
        .split('/')
        .map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('/')}$`,
    ).test(r.path);
  const uncovered = operations
    .filter((op) => !requested.some((r) => matches(op, r)))
    .map((op) => `${op.method.toUpperCase()} ${op.path}`);
  expect(uncovered).toEqual([]);
  expect(operations.length).toBeGreaterThan(50);
});

function normalise(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}
