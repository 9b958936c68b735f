// Chaos: the Temporal server crashes (SIGKILL) with emails, a text and an invoice in flight, and
// comes back on its database file. Meanwhile the API answers 503 problem+json (never a 500) for
// everything that starts a workflow and stores nothing; a Stripe webhook, which hands its event to
// a workflow, is refused with a 5xx so Stripe delivers it again. After the restart the API and the worker
// recover by themselves (neither is restarted), the workflows started before the crash finish,
// and every message goes out exactly once.
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

let stack: ChaosStack;
let business: ChaosBusiness;
let worker: ChaosWorker;

beforeAll(async () => {
  stack = await startChaosStack({
    EMAIL_RETRY_INITIAL_SECONDS: '1',
    EMAIL_RETRY_MAX_INTERVAL_SECONDS: '2',
    // An answer the worker could not report while the server was down is retried after this.
    SEND_HEARTBEAT_TIMEOUT_SECONDS: '10',
    // The 503 comes once a request's Temporal calls have spent this; production allows 5 s.
    TEMPORAL_REQUEST_DEADLINE_MS: '1500',
  });
  worker = stack.startWorker();
  business = await signUpBusiness(stack);
}, 120_000);

afterAll(() => stack?.close());

const count = async (path: string) => (await business.get(`${path}?limit=100`)).body.items.length as number;

it('Temporal killed and restarted: 503s meanwhile, nothing stored, then everything finishes by itself, each message once', async () => {
  try {
    const warm = await accepted(business.postEmail('warm-up'));
    expect((await business.settledEmail(warm.id)).status).toBe('sent');

    // An invoice whose workflow has made its payment link and waits for the payment.
    const invoiceRes = await business.postInvoice('before the crash');
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
      await accepted(business.postEmail('in flight one')),
      await accepted(business.postEmail('in flight two')),
    ];
    const text = await accepted(business.postSms('in flight'));
    await eventually(
      async () =>
        (await sendCalls(stack.sandbox, 'gmail')) === gmailCalls + 2 &&
        (await sendCalls(stack.sandbox, 'twilio')) === twilioCalls + 1
          ? true
          : undefined,
      30_000,
    );

    await stack.temporalServer.kill();

    // The outage, as a client sees it.
    const before = {
      emails: await count('/api/emails'),
      invoices: await count('/api/invoices'),
      sms: await count('/api/sms'),
    };
    for (const res of [
      await business.postEmail('during the outage'),
      await business.postInvoice('during the outage'),
      await business.postSms('during the outage'),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.body.detail).toContain('Temporal');
    }
    expect((await business.get('/api/workflows')).status).toBe(503);
    expect({
      emails: await count('/api/emails'),
      invoices: await count('/api/invoices'),
      sms: await count('/api/sms'),
    }).toEqual(before);
    // What needs only the database still answers.
    expect((await business.get(`/api/emails/${emails[0]!.id}`)).status).toBe(200);

    // Stripe says the invoice was paid; the API cannot hand the event to its workflow, so it
    // refuses (5xx) and Stripe will deliver the same event again.
    const paid = paidEvent(business.owner.tenantId, invoice.id);
    const refused = await stack.sandbox.control('POST', '/_sandbox/stripe/events', paid);
    expect(refused.body.status).toBe(503);
    expect((await business.get(`/api/invoices/${invoice.id}`)).body.status).toBe('open');

    // The held answers come back now, as failures: each email send records it and would retry
    // (the text may show delivered already: Twilio's status callback can beat the lost answer).
    expect(await stack.sandbox.release()).toBe(3);
    await eventually(async () => {
      const rows = await Promise.all(emails.map((e) => business.get(`/api/emails/${e.id}`)));
      return rows.every((r) => r.body.status === 'queued' && r.body.lastError) ? true : undefined;
    }, 30_000);

    await stack.temporalServer.start();

    // The API recovers by itself: the first email it takes again is a new one to send.
    const after = await eventually(async () => {
      const res = await business.postEmail('after the restart');
      if (res.status === 500) throw new Error(`500 while Temporal came back: ${res.text}`);
      return res.status === 202 ? (res.body as { id: string; workflowId: string }) : undefined;
    }, 60_000);
    const redelivered = await stack.sandbox.control('POST', '/_sandbox/stripe/events', paid);
    expect(redelivered.body.status).toBe(200);
    expect(await stack.temporal.workflow.getHandle(invoice.workflowId).result()).toMatchObject({ outcome: 'paid' });
    // Stripe may deliver once more: it takes effect once.
    expect((await stack.sandbox.control('POST', '/_sandbox/stripe/events', paid)).body.status).toBe(200);
    const audit = await business.get(`/api/audit?target=invoice:${invoice.id}&action=invoice.stripe_paid`);
    expect(audit.body.items).toHaveLength(1);

    const allEmails = [warm, ...emails, after];
    for (const { id } of allEmails) expect(await business.settledEmail(id)).toMatchObject({ status: 'sent' });
    // The in-flight ones were tried again after the restart, and found already sent.
    for (const { id } of emails) expect((await business.settledEmail(id)).attempts).toBeGreaterThanOrEqual(2);
    expect(['sent', 'delivered']).toContain((await business.settledSms(text.id)).status);
    const byMessageId = await gmailSendsByMessageId(stack.sandbox);
    expect([...byMessageId.values()]).toEqual(Array(allEmails.length).fill(1));
    for (const { id } of allEmails) expect(byMessageId.get(`<${id}@frontdesk.mail>`)).toBe(1);
    expect([...(await twilioSendsByBody(stack.sandbox)).values()]).toEqual([1]);

    for (const { workflowId } of [...allEmails, text, invoice]) {
      expect(await eventually(() => closedStatus(stack.temporal, workflowId), 30_000)).toBe('COMPLETED');
    }
    expect(await runningBusinessWorkflows(stack.temporal, business.owner.tenantId)).toEqual([]);
    expect(worker.alive()).toBe(true);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${stack.workerOutput()}`, { cause: err });
  }
}, 150_000);
