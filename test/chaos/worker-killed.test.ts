// Chaos: the worker dies in the middle of sending, as a crash or an OOM kill would. Each send is
// caught at a chosen point (its call hanging at the sandbox, before the provider acted, or after
// it acted with the answer never coming back), the worker is frozen there (SIGSTOP) and killed
// (SIGKILL), and a new worker takes over: every email and text goes out exactly once, every row
// ends sent, no workflow is left running.
import { eventually } from '../helpers/sandbox';
import {
  accepted,
  closedStatus,
  gmailSendsByMessageId,
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
    // A dead worker's send is tried again after this (production: 45 s); long enough that no
    // send is retried while the test is still arranging the moment of the kill.
    SEND_HEARTBEAT_TIMEOUT_SECONDS: '10',
  });
  worker = stack.startWorker();
  business = await signUpBusiness(stack);
}, 120_000);

afterAll(() => stack?.close());

it('a worker killed mid-send: every email and text goes out once, every row ends sent, no workflow is left running', async () => {
  try {
    // The first send of each kind goes through normally: the worker is up and the sandbox
    // mailbox connected before the faults are armed, so only the sends below meet them.
    const warmEmail = await accepted(business.postEmail('warm-up'));
    const warmSms = await accepted(business.postSms('warm-up'));
    expect((await business.settledEmail(warmEmail.id)).status).toBe('sent');
    expect(['sent', 'delivered']).toContain((await business.settledSms(warmSms.id)).status);
    const callsBefore = {
      gmail: await sendCalls(stack.sandbox, 'gmail'),
      twilio: await sendCalls(stack.sandbox, 'twilio'),
    };
    const deliveredBefore = {
      gmail: (await stack.sandbox.sent('gmail')).length,
      twilio: (await stack.sandbox.sent('twilio')).length,
    };

    // Two sends per channel, both hanging at the provider: one before it acted, one after.
    for (const provider of ['gmail', 'twilio'] as const) {
      await stack.sandbox.fault({ provider, status: 0, delayMs: 600_000 });
      await stack.sandbox.fault({ provider, status: 0, delayMs: 600_000, after: true });
    }
    const emails = [await accepted(business.postEmail('kill one')), await accepted(business.postEmail('kill two'))];
    const texts = [await accepted(business.postSms('kill one')), await accepted(business.postSms('kill two'))];

    // The chosen point: all four calls are hanging, and the provider has acted on one of each.
    await eventually(async () => {
      const hanging =
        (await sendCalls(stack.sandbox, 'gmail')) - callsBefore.gmail === 2 &&
        (await sendCalls(stack.sandbox, 'twilio')) - callsBefore.twilio === 2;
      const acted =
        (await stack.sandbox.sent('gmail')).length - deliveredBefore.gmail === 1 &&
        (await stack.sandbox.sent('twilio')).length - deliveredBefore.twilio === 1;
      return hanging && acted ? true : undefined;
    }, 60_000);
    await worker.freeze();

    // Frozen, the worker does nothing, but the API still takes work for whichever worker is next.
    const queuedWhileFrozen = await accepted(business.postEmail('queued while frozen'));
    await worker.kill();
    worker = stack.startWorker();

    const allEmails = [warmEmail, ...emails, queuedWhileFrozen];
    for (const { id } of allEmails)
      expect(await business.settledEmail(id)).toMatchObject({ status: 'sent', gmailMessageId: expect.any(String) });
    for (const { id } of [warmSms, ...texts])
      expect(['sent', 'delivered']).toContain((await business.settledSms(id)).status);
    // The killed sends were tried again by the new worker: the kill did land mid-send. (Of the
    // texts, the one Twilio had already created may have been settled by Twilio's delivery
    // callback instead; the one it never got had to be sent by a later attempt.)
    for (const { id } of emails) expect((await business.settledEmail(id)).attempts).toBeGreaterThanOrEqual(2);
    const textAttempts = await Promise.all(
      texts.map(async ({ id }) => (await business.settledSms(id)).attempts as number),
    );
    expect(Math.max(...textAttempts)).toBeGreaterThanOrEqual(2);

    // Exactly once: one Gmail message per Message-ID, one text per body, nothing else.
    const byMessageId = await gmailSendsByMessageId(stack.sandbox);
    expect([...byMessageId.values()]).toEqual(Array(allEmails.length).fill(1));
    for (const { id } of allEmails) expect(byMessageId.get(`<${id}@frontdesk.mail>`)).toBe(1);
    const byBody = await twilioSendsByBody(stack.sandbox);
    expect([...byBody.values()]).toEqual([1, 1, 1]);

    for (const { workflowId } of [...allEmails, warmSms, ...texts]) {
      expect(await eventually(() => closedStatus(stack.temporal, workflowId), 30_000)).toBe('COMPLETED');
    }
    expect(await runningBusinessWorkflows(stack.temporal, business.owner.tenantId)).toEqual([]);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${stack.workerOutput()}`, { cause: err });
  }
}, 150_000);
