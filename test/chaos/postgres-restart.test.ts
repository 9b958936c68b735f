// Chaos: Postgres goes away (pg_ctl stop -m fast, then -m immediate: a crash) with emails, a text
// and an invoice in flight, and comes back. Meanwhile every API route answers 503 problem+json
// (never a 500), except Stripe's webhook, which needs only Temporal to take a payment event (its
// stripeEvent workflow applies it once Postgres is back), and the worker's sends fail and are
// retried by Temporal. Once Postgres is back the API and the worker recover by themselves, the
// payment takes effect once however often Stripe delivers it, every message goes out exactly
// once and no workflow is left running.
import { eventually } from '../helpers/sandbox';
import {
  accepted,
  closedStatus,
  gmailSendsByMessageId,
  paidEvent,
  runningBusinessWorkflows,
  sendCalls,
  signUpBusiness,
  startChaosStack,
  twilioSendsByBody,
  type ChaosBusiness,
  type ChaosStack,
  type ChaosWorker,
} from '../helpers/chaos';
import type { TestResponse } from '../helpers/http';

let stack: ChaosStack;
let business: ChaosBusiness;
let worker: ChaosWorker;

beforeAll(async () => {
  stack = await startChaosStack({
    EMAIL_RETRY_INITIAL_SECONDS: '1',
    EMAIL_RETRY_MAX_INTERVAL_SECONDS: '2',
    SEND_HEARTBEAT_TIMEOUT_SECONDS: '10',
  });
  worker = stack.startWorker();
  business = await signUpBusiness(stack);
  const warm = await accepted(business.postEmail('warm-up'));
  expect((await business.settledEmail(warm.id)).status).toBe('sent');
}, 120_000);

afterAll(() => stack?.close());

function expectUnavailable(what: string, res: TestResponse): void {
  if (res.status !== 503)
    throw new Error(`${what} answered ${res.status} while Postgres was down, not 503: ${res.text}`);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.detail).toMatch(/database/i);
}

/** The send activity of a workflow, failed at least once and waiting for its next try. */
async function retryingAfterFailure(workflowId: string): Promise<true | undefined> {
  const d = await stack.temporal.workflow.getHandle(workflowId).describe();
  const pending = d.raw.pendingActivities?.[0];
  return pending && (pending.attempt ?? 0) >= 2 && pending.lastFailure ? true : undefined;
}

it.each(['fast', 'immediate'] as const)(
  'Postgres stopped (-m %s) and started: 503s meanwhile, then everything finishes by itself, each message once',
  async (mode) => {
    try {
      const invoiceRes = await business.postInvoice(`before the ${mode} stop`);
      expect(invoiceRes.status).toBe(201);
      const invoice = invoiceRes.body as { id: string; workflowId: string };
      await eventually(
        async () => ((await business.get(`/api/invoices/${invoice.id}`)).body.paymentUrl ? true : undefined),
        30_000,
      );

      // Two emails and a text in flight: the provider has acted on each, its answer is held back.
      const gmailCalls = await sendCalls(stack.sandbox, 'gmail');
      const twilioCalls = await sendCalls(stack.sandbox, 'twilio');
      await stack.sandbox.fault({ provider: 'gmail', status: 503, count: 2, delayMs: 600_000, after: true });
      await stack.sandbox.fault({ provider: 'twilio', status: 503, delayMs: 600_000, after: true });
      const emails = [
        await accepted(business.postEmail(`${mode} one`)),
        await accepted(business.postEmail(`${mode} two`)),
      ];
      const text = await accepted(business.postSms(mode));
      await eventually(
        async () =>
          (await sendCalls(stack.sandbox, 'gmail')) === gmailCalls + 2 &&
          (await sendCalls(stack.sandbox, 'twilio')) === twilioCalls + 1
            ? true
            : undefined,
        30_000,
      );

      stack.postgres.stop(mode);

      // The outage, as a client and as Stripe see it.
      const token = business.owner.accessToken;
      expectUnavailable('POST /api/emails', await business.postEmail('during the outage'));
      expectUnavailable('POST /api/invoices', await business.postInvoice('during the outage'));
      expectUnavailable('POST /api/sms', await business.postSms('during the outage'));
      expectUnavailable('GET /api/clients', await business.get('/api/clients'));
      expectUnavailable(`GET /api/emails/:id`, await business.get(`/api/emails/${emails[0]!.id}`));
      expectUnavailable(
        'POST /api/auth/login',
        await stack.call('POST', '/api/auth/login', {
          json: { email: business.owner.email, password: business.owner.password },
        }),
      );
      expectUnavailable(
        'POST /api/workflows/:id/signal',
        await stack.call('POST', `/api/workflows/${encodeURIComponent(invoice.workflowId)}/signal`, {
          token,
          json: { name: 'pause' },
        }),
      );
      expect((await stack.call('GET', '/api/health/')).status).toBe(503);
      const paid = paidEvent(business.owner.tenantId, invoice.id);
      const handedOver = await stack.sandbox.control('POST', '/_sandbox/stripe/events', paid);
      expect(handedOver.body.status).toBe(200);

      // The held answers come back now; the worker cannot record them and Temporal retries the sends.
      expect(await stack.sandbox.release()).toBe(3);
      for (const { workflowId } of emails) await eventually(() => retryingAfterFailure(workflowId), 30_000);

      await stack.postgres.start();

      // The API recovers by itself, and so does the worker (neither is restarted).
      await eventually(async () => {
        const res = await business.get('/api/clients');
        if (res.status === 500) throw new Error(`500 while Postgres came back: ${res.text}`);
        return res.status === 200 ? true : undefined;
      }, 30_000);
      const after = await accepted(business.postEmail(`after the ${mode} stop`));

      // The payment taken during the outage takes effect now (its activity was retried meanwhile),
      // once however often Stripe delivers it again.
      expect(await stack.temporal.workflow.getHandle(invoice.workflowId).result()).toMatchObject({ outcome: 'paid' });
      expect((await stack.sandbox.control('POST', '/_sandbox/stripe/events', paid)).body.status).toBe(200);
      expect(
        (await business.get(`/api/audit?target=invoice:${invoice.id}&action=invoice.stripe_paid`)).body.items,
      ).toHaveLength(1);

      for (const { id } of [...emails, after])
        expect(await business.settledEmail(id)).toMatchObject({ status: 'sent' });
      expect(['sent', 'delivered']).toContain((await business.settledSms(text.id)).status);
      const byMessageId = await gmailSendsByMessageId(stack.sandbox);
      expect([...byMessageId.values()].every((n) => n === 1)).toBe(true);
      for (const { id } of [...emails, after]) expect(byMessageId.get(`<${id}@frontdesk.mail>`)).toBe(1);
      expect([...(await twilioSendsByBody(stack.sandbox)).values()].every((n) => n === 1)).toBe(true);

      for (const { workflowId } of [...emails, after, text, invoice]) {
        expect(await eventually(() => closedStatus(stack.temporal, workflowId), 30_000)).toBe('COMPLETED');
      }
      expect(await runningBusinessWorkflows(stack.temporal, business.owner.tenantId)).toEqual([]);
      expect(worker.alive()).toBe(true);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${stack.workerOutput()}`, { cause: err });
    }
  },
  120_000,
);
