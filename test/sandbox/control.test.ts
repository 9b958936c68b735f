// The sandbox's binding control routes (shared/stack.md), driven over HTTP.
import { createTwilio } from '../../src/providers/twilio';
import { eventually, type SandboxHarness, startTestSandbox } from '../helpers/sandbox';

let h: SandboxHarness;

beforeAll(async () => {
  h = await startTestSandbox();
});
afterAll(() => h.close());

describe('sandbox control routes', () => {
  it('GET /_sandbox/sent lists items oldest first, per provider or all; DELETE forgets them', async () => {
    const sms = createTwilio(h.config);
    await sms.send({ to: '+15551110001', body: 'one' });
    await sms.send({ to: '+15551110002', body: 'two' });
    const twilioItems = await h.sent('twilio');
    expect(twilioItems.map((i) => i.body)).toEqual(['one', 'two']);
    expect(twilioItems[0]).toEqual(
      expect.objectContaining({ to: '+15551110001', from: '+15005550006', sid: expect.stringMatching(/^SM/) }),
    );
    expect(await h.sent('gmail')).toEqual([]);
    const all = (await h.control('GET', '/_sandbox/sent')).body.items;
    expect(all.every((i: { provider: string }) => i.provider === 'twilio')).toBe(true);
    expect((await h.control('GET', '/_sandbox/sent?provider=fax')).status).toBe(400);

    expect((await h.control('DELETE', '/_sandbox/sent')).status).toBe(204);
    expect(await h.sent('twilio')).toEqual([]);
    expect(await h.requests('twilio')).toEqual([]);
  });

  it('GET /_sandbox/requests records every provider call with its status, faults included', async () => {
    await h.fault({ provider: 'twilio', status: 503 });
    const sms = createTwilio(h.config);
    await sms.send({ to: '+15551110003', body: 'x' }).catch(() => undefined);
    await sms.send({ to: '+15551110003', body: 'y' });
    const calls = await h.requests('twilio');
    expect(calls.slice(-2).map((c) => [c.method, c.status, c.fault])).toEqual([
      ['POST', 503, true],
      ['POST', 201, false],
    ]);
    expect(calls.at(-1)!.path).toMatch(/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/Messages\.json$/);
  });

  it('logs a hanging call as it arrives, and POST /_sandbox/faults/release ends the hang then', async () => {
    await h.fault({ provider: 'twilio', status: 503, delayMs: 600_000, after: true });
    const sms = createTwilio(h.config);
    const outcome = sms.send({ to: '+15551110004', body: 'held' }).then(
      () => 'answered',
      () => 'failed',
    );
    await eventually(async () =>
      (await h.requests('twilio')).some((c) => c.fault && c.status === 503) ? true : undefined,
    );
    // after: true: Twilio acted before the answer was held back.
    expect((await h.sent('twilio')).map((m) => m.body)).toContain('held');
    expect((await h.control('POST', '/_sandbox/faults/release')).body).toEqual({ released: 1 });
    expect(await outcome).toBe('failed');
    expect((await h.control('POST', '/_sandbox/faults/release')).body).toEqual({ released: 0 });
  });

  it('POST /_sandbox/faults validates its input and queues count failures; DELETE clears them', async () => {
    const bad = await h.control('POST', '/_sandbox/faults', { provider: 'fax', status: 42, count: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['count', 'provider', 'status']);
    expect((await h.control('POST', '/_sandbox/faults', { provider: 'stripe', status: 200 })).status).toBe(400);

    const queued = await h.control('POST', '/_sandbox/faults', { provider: 'stripe', status: 500, count: 2 });
    expect(queued.status).toBe(201);
    expect(queued.body.queued).toEqual([{ provider: 'stripe', status: 500, remaining: 2 }]);
    expect((await h.control('DELETE', '/_sandbox/faults')).status).toBe(204);
    expect((await h.control('GET', '/_sandbox/faults')).body.queued).toEqual([]);
  });

  it('answers each control route that takes input with 400 naming the field', async () => {
    expect(
      (
        await h.control('POST', '/_sandbox/gmail/inbox', {
          to: 'not-an-address',
          from: 'a@b.c',
          subject: 's',
          text: 't',
        })
      ).body.errors,
    ).toEqual([expect.objectContaining({ path: 'to' })]);
    expect(
      (await h.control('POST', '/_sandbox/gmail/push', { emailAddress: 'a@b.example', token: 'forged' })).body.errors,
    ).toEqual([expect.objectContaining({ path: 'token' })]);
    expect((await h.control('POST', '/_sandbox/stripe/events', { type: 'nope', object: {} })).body.errors).toEqual([
      expect.objectContaining({ path: 'type' }),
    ]);
    expect(
      (await h.control('POST', '/_sandbox/twilio/inbound', { from: '123', to: '+15005550006', body: 'x' })).body.errors,
    ).toEqual([expect.objectContaining({ path: 'from' })]);
  });

  it('reports status 0 with the reason when the API cannot be reached, and keeps a delivery log', async () => {
    const unreachable = await startTestSandbox();
    await unreachable.receiver.close();
    const res = await unreachable.control('POST', '/_sandbox/stripe/events', {
      type: 'charge.refunded',
      object: { id: 'ch_1' },
    });
    expect(res.body).toMatchObject({ eventId: expect.stringMatching(/^evt_/), status: 0, error: expect.any(String) });
    const log = (await unreachable.control('GET', '/_sandbox/deliveries')).body.items;
    expect(log).toEqual([expect.objectContaining({ kind: 'stripe-event', status: 0 })]);
    await unreachable.running.close();
  });

  it('drops inbox mail and pushes it to the API Gmail webhook; /push answers the API status', async () => {
    h.receiver.respondWith(204);
    const mail = await h.control('POST', '/_sandbox/gmail/inbox', {
      to: 'front@clinic.example',
      from: 'pat@example.com',
      subject: 'Hello',
      text: 'Hi there',
    });
    expect(mail.status).toBe(201);
    expect(mail.body).toMatchObject({
      id: expect.any(String),
      threadId: mail.body.id,
      historyId: expect.stringMatching(/^\d+$/),
      push: { status: 204 },
    });
    h.receiver.respondWith(401);
    const pushed = await h.control('POST', '/_sandbox/gmail/push', {
      emailAddress: 'front@clinic.example',
      token: 'expired',
    });
    expect(pushed.body.status).toBe(401);
    h.receiver.respondWith(200);
    const delivery = h.receiver.received.find((d) => d.body.includes(pushed.body.messageId))!;
    const data = JSON.parse(Buffer.from(JSON.parse(delivery.body).message.data, 'base64').toString());
    expect(data).toEqual({ emailAddress: 'front@clinic.example', historyId: Number(mail.body.historyId) });
  });

  it('serves the consent stand-in: a redirect with a code and the state, or an error without a redirect URI', async () => {
    const ok = await fetch(
      `${h.url}/o/oauth2/v2/auth?client_id=c&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}&response_type=code&scope=s&state=xyz&login_hint=a%40b.example`,
      {
        redirect: 'manual',
      },
    );
    expect(ok.status).toBe(302);
    const location = new URL(ok.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toMatch(/^4\//);
    expect((await fetch(`${h.url}/o/oauth2/v2/auth?client_id=c`, { redirect: 'manual' })).status).toBe(400);
  });
});
