// Fills a running dev stack with the demo business, through the public API and the sandbox's
// control routes only (no database access): what it makes is what any client could have made.
// Every step finds what an earlier run made before making anything, so a second run is harmless.
import { type Owner, signInOrRegister } from './account';
import { replyDraftFor, type SeededDraft } from './agents';
import { type SeededClient, seedClients } from './clients';
import { bookingLinkSentTo, type SeededBooking, seedBookings } from './bookings';
import {
  DEMO_BOOKINGS,
  DEMO_CLIENTS,
  DEMO_INBOUND_MAIL,
  DEMO_INVOICES,
  DEMO_SERVICES,
  DEMO_UNSAFE_MAIL,
} from './demo-business';
import { flagUnsafeThread, type SeededFinding } from './guardian';
import { HttpClient, SeedError } from './http-client';
import { type SeededInvoice, seedInvoices } from './invoices';
import { connectMailbox, receiveMail, type SeededThread } from './mailbox';
import type { SeedOptions } from './options';
import { type SeededService, seedServices } from './services';

export interface SeedResult {
  owner: Owner;
  mailbox: { email: string; mailboxId: string };
  clients: SeededClient[];
  services: SeededService[];
  bookings: SeededBooking[];
  /**
   * The client's self-service link to the first demo booking, from its confirmation email; null
   * when the sandbox no longer has that email (it was restarted since the booking was made).
   */
  bookingLink: string | null;
  invoices: SeededInvoice[];
  thread: SeededThread;
  /** The reply agent's draft for the inbound thread, waiting for a person (or decided on since). */
  draft: SeededDraft;
  unsafeThread: SeededThread;
  finding: SeededFinding;
}

export async function seed(options: SeedOptions, log: (line: string) => void = () => {}): Promise<SeedResult> {
  const api = new HttpClient(options.apiUrl);
  const sandbox = new HttpClient(options.sandboxUrl);
  const targets = { api, sandbox };

  const health = await api.call<{ checks: Record<string, string> }>('GET', '/api/health/', { accept: [200, 503] });
  if (health.status !== 200)
    throw new SeedError(`the API at ${options.apiUrl} is not ready: ${JSON.stringify(health.body.checks)}`);
  await sandbox.call('GET', '/_sandbox/health');

  const owner = await signInOrRegister(api, options.owner);
  log(`${owner.registered ? 'registered' : 'signed in to'} ${owner.businessName} as ${owner.email}`);
  // The sandbox's events and mail only mean something to an API that talks to this sandbox.
  const status = await api.call<{ integrations: Record<string, string> }>('GET', '/api/system/status', {
    token: owner.accessToken,
  });
  const notSandboxed = Object.entries(status.body.integrations).filter(
    ([name, mode]) => ['gmail', 'stripe', 'anthropic'].includes(name) && mode !== 'sandbox',
  );
  if (notSandboxed.length > 0)
    throw new SeedError(
      `the API is not in sandbox mode (${notSandboxed.map(([n, m]) => `${n}: ${m}`).join(', ')}): the seed fills a dev stack (SANDBOX=1)`,
    );

  // Connected first, so the invoices' reminder emails go out through the business's mailbox.
  const mailbox = await connectMailbox(api, owner);
  log(`Gmail connected (${mailbox.email})`);

  const clients = await seedClients(api, owner, DEMO_CLIENTS);
  log(`${clients.size} clients`);

  const services = await seedServices(api, owner, DEMO_SERVICES);
  log(`${services.length} services: ${services.map((s) => s.name).join(', ')}`);

  const bookings = await seedBookings(api, owner, clients, services, DEMO_BOOKINGS);
  log(`${bookings.length} bookings: ${bookings.map((b) => b.startAt).join(', ')}`);
  const bookingLink = await bookingLinkSentTo(sandbox, DEMO_BOOKINGS[0]!.client).catch((err: unknown) => {
    if (err instanceof SeedError) return null;
    throw err;
  });

  const invoices = await seedInvoices(targets, owner, clients, DEMO_INVOICES);
  log(`${invoices.length} invoices: ${invoices.map((i) => i.outcome).join(', ')}`);

  const thread = await receiveMail(targets, owner, mailbox, DEMO_INBOUND_MAIL);
  const unsafeThread = await receiveMail(targets, owner, mailbox, DEMO_UNSAFE_MAIL);
  log(`threads "${thread.subject}" and "${unsafeThread.subject}" in the inbox`);
  const finding = await flagUnsafeThread(api, owner, unsafeThread);
  log(`"${unsafeThread.subject}" flagged by the guardian (${finding.category}, ${finding.severity})`);
  const draft = await replyDraftFor(api, owner, thread);
  log(`a reply draft for "${thread.subject}" (${draft.status}, by ${draft.llm.provider})`);

  return {
    owner,
    mailbox,
    clients: [...clients.values()],
    services,
    bookings,
    bookingLink,
    invoices,
    thread,
    draft,
    unsafeThread,
    finding,
  };
}
