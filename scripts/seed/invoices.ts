// The demo invoices, each brought to its outcome the way it happens for real: created (which
// starts its payment reminders), then marked paid at the desk, voided, paid by card through a
// Stripe event the sandbox signs and delivers to the API's webhook, or left to run out of
// reminders until the workflow flags it overdue.
import { DateTime } from 'luxon';
import type { Owner } from './account';
import type { SeededClient } from './clients';
import type { DemoInvoice, InvoiceOutcome } from './demo-business';
import { type HttpClient, SeedError, waitUntil } from './http-client';

export interface SeededInvoice {
  id: string;
  outcome: InvoiceOutcome;
  status: string;
  overdue: boolean;
  paidMethod: string | null;
  workflowId: string;
  description: string;
}

interface InvoiceView {
  id: string;
  clientId: string;
  description: string;
  amountCents: number;
  status: string;
  overdue: boolean;
  paidMethod: string | null;
  workflowId: string;
}

export async function seedInvoices(
  targets: { api: HttpClient; sandbox: HttpClient },
  owner: Owner,
  clients: Map<string, SeededClient>,
  invoices: DemoInvoice[],
): Promise<SeededInvoice[]> {
  const { api } = targets;
  const existing = await api.all<InvoiceView>('/api/invoices', owner.accessToken);
  const seeded: SeededInvoice[] = [];
  for (const demo of invoices) {
    const client = clients.get(demo.client);
    if (!client)
      throw new SeedError(`the demo invoice "${demo.description}" names ${demo.client}, who is not a demo client`);
    const invoice =
      existing.find((i) => i.clientId === client.id && i.description === demo.description) ??
      (await createInvoice(api, owner, client, demo));
    const settled = await bringTo(targets, owner, invoice, demo.outcome);
    seeded.push({
      id: settled.id,
      outcome: demo.outcome,
      status: settled.status,
      overdue: settled.overdue,
      paidMethod: settled.paidMethod,
      workflowId: settled.workflowId,
      description: demo.description,
    });
  }
  return seeded;
}

async function createInvoice(
  api: HttpClient,
  owner: Owner,
  client: SeededClient,
  demo: DemoInvoice,
): Promise<InvoiceView> {
  const created = await api.call<InvoiceView>('POST', '/api/invoices', {
    token: owner.accessToken,
    headers: {
      'Idempotency-Key': `seed-invoice-${client.id}-${demo.description.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    },
    json: {
      clientId: client.id,
      amountCents: demo.amountCents,
      currency: 'usd',
      dueDate: DateTime.utc().plus({ days: demo.dueInDays }).toISODate(),
      description: demo.description,
      ...(demo.channels ? { channels: demo.channels } : {}),
    },
  });
  return created.body;
}

/** Moves an open invoice to its outcome; one already there (an earlier run) is left as it is. */
async function bringTo(
  targets: { api: HttpClient; sandbox: HttpClient },
  owner: Owner,
  invoice: InvoiceView,
  outcome: InvoiceOutcome,
): Promise<InvoiceView> {
  const { api, sandbox } = targets;
  const token = owner.accessToken;
  if (invoice.status !== 'open') return invoice;
  switch (outcome) {
    case 'open':
      return invoice;
    case 'paid_by_hand':
      return (
        await api.call<InvoiceView>('POST', `/api/invoices/${invoice.id}/mark-paid`, {
          token,
          json: { method: 'cash', note: 'Paid at the desk' },
        })
      ).body;
    case 'void':
      return (await api.call<InvoiceView>('POST', `/api/invoices/${invoice.id}/void`, { token })).body;
    case 'paid_by_stripe': {
      // Ids made from the invoice's: a second run redelivers the same event, which Stripe's
      // webhook answers as a duplicate.
      const ref = invoice.id.replace(/-/g, '');
      const delivered = await sandbox.call<{ status: number }>('POST', '/_sandbox/stripe/events', {
        json: {
          id: `evt_seed${ref}`,
          type: 'payment_intent.succeeded',
          object: {
            id: `pi_seed${ref}`,
            object: 'payment_intent',
            status: 'succeeded',
            amount: invoice.amountCents,
            currency: 'usd',
            metadata: { tenantId: owner.tenantId, invoiceId: invoice.id },
          },
        },
      });
      if (delivered.body.status !== 200)
        throw new SeedError(`the API's Stripe webhook answered ${delivered.body.status} to the sandbox's event`);
      // The webhook hands the event to the business's Stripe inbox; the worker applies it a moment later.
      return waitUntil(`the invoice "${invoice.description}" paid through Stripe`, async () => {
        const view = (await api.call<InvoiceView>('GET', `/api/invoices/${invoice.id}`, { token })).body;
        return view.status === 'paid' ? view : undefined;
      });
    }
    case 'overdue':
      return waitUntil(`the invoice "${invoice.description}" flagged overdue`, async () => {
        const view = (await api.call<InvoiceView>('GET', `/api/invoices/${invoice.id}`, { token })).body;
        return view.overdue ? view : undefined;
      });
  }
}
