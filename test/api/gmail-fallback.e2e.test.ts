// Gmail may drop a push (and Pub/Sub gives up on an endpoint that was down): the mailbox's sync
// workflow runs a pass on its own timer anyway, so such mail still shows up. End to end, with a
// short fallback interval.
import { registerTenant } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import type { TestServer } from '../helpers/http';
import { allThreads, connectGmail, dropMail, syncStatus, whileApiIsDown } from '../helpers/mailbox';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let api: TestServer | null = null;

beforeAll(async () => {
  e2e = await startE2E({ GMAIL_SYNC_FALLBACK_SECONDS: '2' });
});

afterAll(async () => {
  await api?.close();
  await e2e?.close();
});

it('brings in mail whose push never arrived, on the fallback pass', async () => {
  const owner = await registerTenant(e2e.server, { businessName: 'Quiet Florist' });
  const mailbox = await connectGmail(e2e.call, owner);
  const before = await eventually(async () => {
    const s = await syncStatus(e2e.temporal, mailbox, owner.tenantId);
    return s.passes > 0 ? s : undefined;
  }, 15_000);

  const down = await whileApiIsDown(e2e, () =>
    dropMail(e2e.sandbox, {
      to: owner.email,
      from: 'Lee <lee@client.example>',
      subject: 'Flowers for Friday',
      text: 'Two bouquets please',
    }),
  );
  api = down.api;
  expect(down.result.push.status).toBe(0); // nobody answered: the notification is lost

  const thread = await eventually(
    async () => (await allThreads(e2e.call, owner)).find((t) => t.gmailThreadId === down.result.threadId),
    20_000,
  );
  expect(thread).toMatchObject({ subject: 'Flowers for Friday', messageCount: 1 });
  // The pass stores the thread in its activity; the workflow counts the pass once that activity's
  // result is back, so its status may lag the thread by a moment.
  const after = await eventually(async () => {
    const s = await syncStatus(e2e.temporal, mailbox, owner.tenantId);
    return s.passes > before.passes ? s : undefined;
  }, 15_000);
  // No push reached the workflow: only its timer can have run the pass.
  expect(after.notifications).toBe(before.notifications);
  expect(after.passes).toBeGreaterThan(before.passes);
  expect(after.lastPass?.trigger).toBe('fallback');
});
