// What the seed prints when it is done: how to sign in, where the API and the Temporal UI are,
// a fresh access token, and the variables the request files in http/ use.
import type { SeedOptions } from './options';
import type { SeedResult } from './seed';

export interface ExtraIds {
  emailId?: string;
  smsId?: string;
}

/** The `@name = value` lines to paste at the top of a file in http/ (http/README.md). */
export function httpVariables(options: SeedOptions, result: SeedResult, extra: ExtraIds = {}): Record<string, string> {
  const open = result.invoices.find((i) => i.outcome === 'open') ?? result.invoices[0];
  const client = result.clients[0];
  return {
    host: options.apiUrl,
    sandbox: options.sandboxUrl,
    accessToken: result.owner.accessToken,
    refreshToken: result.owner.refreshToken,
    email: result.owner.email,
    password: result.owner.password,
    tenantId: result.owner.tenantId,
    userId: result.owner.userId,
    ...(client ? { clientId: client.id } : {}),
    ...(result.services[0] ? { serviceId: result.services[0].id } : {}),
    ...(result.bookings[0] ? { bookingId: result.bookings[0].id } : {}),
    ...(result.bookingLink ? { bookingLink: result.bookingLink } : {}),
    ...(open ? { invoiceId: open.id, workflowId: open.workflowId } : {}),
    threadId: result.thread.id,
    draftId: result.draft.id,
    unsafeThreadId: result.finding.id,
    ...(extra.emailId ? { emailId: extra.emailId } : {}),
    ...(extra.smsId ? { smsId: extra.smsId } : {}),
  };
}

export function summary(options: SeedOptions, result: SeedResult, extra: ExtraIds = {}): string {
  const { owner } = result;
  // As they stand now: a request file may have moved one since an earlier run made it.
  const states = result.invoices.map((i) =>
    i.overdue && i.status === 'open' ? 'overdue' : i.paidMethod ? `${i.status} (${i.paidMethod})` : i.status,
  );
  const variables = Object.entries(httpVariables(options, result, extra)).map(
    ([name, value]) => `  @${name} = ${value}`,
  );
  return [
    '',
    `${owner.businessName} is ready (tenant ${owner.tenantId}):`,
    `  ${result.clients.length} clients, ${result.services.length} services, ${result.bookings.length} bookings, ${result.invoices.length} invoices: ${states.join(', ')}`,
    `  Gmail ${result.mailbox.email} connected: threads "${result.thread.subject}" and "${result.unsafeThread.subject}" (flagged: ${result.finding.category}); a reply draft ${result.draft.status} (GET /api/agents/drafts/${result.draft.id})`,
    '',
    'Sign in:',
    `  email        ${owner.email}`,
    `  password     ${owner.password}`,
    `  API          ${options.apiUrl}  (docs: ${options.apiUrl}/api/docs)`,
    `  Temporal UI  ${options.temporalUiUrl}  (list this business's workflows with: TenantId = "${owner.tenantId}")`,
    '',
    'Access token (15 minutes; POST /api/auth/login with the email and password above for a new one):',
    `  ${owner.accessToken}`,
    '',
    'Variables for the request files in http/ (paste at the top of a file):',
    ...variables,
    '',
  ].join('\n');
}
