// `npm run seed` against a running stack (the real API on a real port, the real worker, and a
// sandbox whose webhooks reach that API): run as its own process the way a newcomer runs it, then
// checked through the API as the business's owner would look, and run again to add nothing.
import {
  DEMO_BOOKINGS,
  DEMO_CLIENTS,
  DEMO_INBOUND_MAIL,
  DEMO_INVOICES,
  DEMO_OWNER,
  DEMO_SERVICES,
  DEMO_UNSAFE_MAIL,
} from '../../scripts/seed/demo-business';
import { seedOptions } from '../../scripts/seed/options';
import { seed } from '../../scripts/seed/seed';
import { uniqueEmail } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { runEntryPoint } from '../helpers/process';

let e2e: E2E;
// Parallel test files share one database: an address of its own keeps this business apart.
const email = uniqueEmail('seed-owner');
const password = 'a seeded demo passphrase';
const TEMPORAL_UI_URL = 'http://127.0.0.1:18233';
let output = '';
let token: string;

const env = () => ({ SANDBOX_API_URL: e2e.server.url, SANDBOX_URL: e2e.sandbox.url, TEMPORAL_UI_URL });
const list = async (path: string) => (await e2e.call('GET', path, { token })).body.items as any[];
const invoicesByDescription = async () =>
  new Map((await list('/api/invoices?limit=100')).map((i) => [i.description, i]));

beforeAll(async () => {
  e2e = await startE2E();
  const run = runEntryPoint('scripts/seed/main.ts', env(), ['--email', email, '--password', password]);
  const code = await run.exited;
  output = run.output();
  if (code !== 0) throw new Error(`npm run seed exited ${code}:\n${output}`);
}, 180_000);

afterAll(() => e2e?.close());

it('prints how to sign in: email, password, the API, the Temporal UI and a working access token', async () => {
  expect(output).toContain(email);
  expect(output).toContain(password);
  expect(output).toContain(`API          ${e2e.server.url}`);
  expect(output).toContain(`Temporal UI  ${TEMPORAL_UI_URL}`);
  expect(output).toContain(
    `${DEMO_CLIENTS.length} clients, ${DEMO_SERVICES.length} services, ${DEMO_BOOKINGS.length} bookings, 5 invoices: open, paid (cash), void, paid (stripe), overdue`,
  );
  token = /@accessToken = (\S+)/.exec(output)?.[1] ?? '';
  const me = await e2e.call('GET', '/api/auth/me', { token });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ user: { email, role: 'owner' }, tenant: { name: DEMO_OWNER.businessName } });
});

it('leaves a business that signs in with the printed email and password', async () => {
  const login = await e2e.call('POST', '/api/auth/login', { json: { email, password } });
  expect(login.status).toBe(200);
  token = login.body.accessToken;
});

it('has the demo clients, some with a phone and SMS consent', async () => {
  const clients = await list('/api/clients?limit=100');
  expect(clients.map((c) => c.email).sort()).toEqual(DEMO_CLIENTS.map((c) => c.email).sort());
  const texted = clients.filter((c) => c.smsConsent);
  expect(texted.length).toBeGreaterThanOrEqual(2);
  for (const c of texted) expect(c.phone).toMatch(/^\+\d{8,15}$/);
});

it('has the demo services on the menu', async () => {
  const services = await list('/api/services');
  expect(services.map((s) => s.name).sort()).toEqual(DEMO_SERVICES.map((s) => s.name).sort());
  expect(services.every((s) => s.archived === false)).toBe(true);
});

it('has the demo bookings, each confirmed, and prints the self-service link of the first', async () => {
  const bookings = await list('/api/bookings');
  const link = /@bookingLink = (\S+)/.exec(output)?.[1];
  expect((await e2e.call('GET', `/api/public/bookings/${link}`)).body).toMatchObject({
    status: 'confirmed',
    business: { name: DEMO_OWNER.businessName },
  });
  expect(bookings.map((b) => b.notes).sort()).toEqual(DEMO_BOOKINGS.map((b) => b.notes).sort());
  expect(bookings.every((b) => b.status === 'confirmed')).toBe(true);
});

it('has an invoice in each state: open, paid by hand, void, paid through Stripe, overdue', async () => {
  const invoices = await invoicesByDescription();
  expect(invoices.size).toBe(DEMO_INVOICES.length);
  const by = (outcome: string) => invoices.get(DEMO_INVOICES.find((d) => d.outcome === outcome)!.description);
  expect(by('open')).toMatchObject({ status: 'open', overdue: false, paidAt: null });
  expect(by('paid_by_hand')).toMatchObject({ status: 'paid', paidMethod: 'cash' });
  expect(by('void')).toMatchObject({ status: 'void' });
  expect(by('paid_by_stripe')).toMatchObject({ status: 'paid', paidMethod: 'stripe' });
  expect(by('overdue')).toMatchObject({ status: 'open', overdue: true });
  const figures = (await e2e.call('GET', '/api/metrics', { token })).body;
  expect(figures.invoices).toMatchObject({ open: 2, overdue: 1, paid: 2, void: 1 });
});

it('has the Gmail mailbox connected, an inbound thread and an unsafe thread the guardian flagged', async () => {
  const gmail = await e2e.call('GET', '/api/gmail', { token });
  expect(gmail.body).toMatchObject({ status: 'connected', email });
  const threads = await list('/api/threads?limit=100');
  const thread = threads.find((t) => t.subject === DEMO_INBOUND_MAIL.subject);
  const unsafe = threads.find((t) => t.subject === DEMO_UNSAFE_MAIL.subject);
  expect(thread).toMatchObject({ unsafe: false, messageCount: 1 });
  expect(unsafe).toMatchObject({ unsafe: true, autoReplyPaused: true, messageCount: 1 });
  // The reply agent drafted an answer to the inbound mail; nothing goes out before a person approves.
  const drafts = await list(`/api/agents/drafts?threadId=${thread.id}`);
  expect(drafts).toEqual([expect.objectContaining({ threadId: thread.id, status: 'pending', emailId: null })]);
  const findings = await list('/api/unsafe-threads?status=open');
  expect(findings).toEqual([
    expect.objectContaining({ threadId: unsafe.id, category: 'threat', severity: 'high', status: 'open' }),
  ]);
});

it('adds nothing when run again', async () => {
  const before = {
    clients: await list('/api/clients?limit=100'),
    services: await list('/api/services'),
    bookings: await list('/api/bookings'),
    invoices: await invoicesByDescription(),
    threads: await list('/api/threads?limit=100'),
    drafts: await list('/api/agents/drafts?limit=100'),
  };
  const again = await seed(seedOptions(env(), ['--email', email, '--password', password]));
  expect(again.owner.registered).toBe(false);
  expect((await list('/api/clients?limit=100')).map((c) => c.id).sort()).toEqual(
    before.clients.map((c) => c.id).sort(),
  );
  expect((await list('/api/services')).map((s) => s.id).sort()).toEqual(
    before.services.map((s: { id: string }) => s.id).sort(),
  );
  expect((await list('/api/bookings')).map((b) => b.id).sort()).toEqual(
    before.bookings.map((b: { id: string }) => b.id).sort(),
  );
  const invoices = await invoicesByDescription();
  expect([...invoices.values()].map((i) => [i.id, i.status, i.overdue])).toEqual(
    [...before.invoices.values()].map((i) => [i.id, i.status, i.overdue]),
  );
  expect((await list('/api/threads?limit=100')).map((t) => t.id).sort()).toEqual(
    before.threads.map((t) => t.id).sort(),
  );
  expect(await list('/api/unsafe-threads')).toHaveLength(1);
  expect((await list('/api/agents/drafts?limit=100')).map((d) => d.id).sort()).toEqual(
    before.drafts.map((d) => d.id).sort(),
  );
  expect(again.finding.threadId).toBe(before.threads.find((t) => t.subject === DEMO_UNSAFE_MAIL.subject).id);
});
