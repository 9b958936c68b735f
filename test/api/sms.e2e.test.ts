// SMS end to end: HTTP in, the real worker and Temporal server, Twilio's API as the sandbox speaks
// it (through the official SDK), Twilio's webhooks signed by the sandbox (or by hand, with the
// SDK's own signing function, where a test needs the answer's body).
import { randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { insertOutboundSms, markSmsSent } from '../../src/db/sms-messages';
import { withTenant } from '../../src/db/tenant-transaction';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;
const OUR_NUMBER = '+15005550006';

beforeAll(async () => {
  // Short backoff so a retry fits in a test; the budget itself is the email workflow's, covered there.
  e2e = await startE2E({ EMAIL_RETRY_INITIAL_SECONDS: '1', EMAIL_RETRY_MAX_INTERVAL_SECONDS: '5' });
  owner = await registerTenant(e2e.server, { businessName: 'Text Test Studio' });
});

afterAll(() => e2e?.close());

let phoneSeq = 0;
/** A fresh US number per test, so the sandbox's opt-out list and sent items never mix. */
const freshPhone = () =>
  `+1415555${String(1000 + (Date.now() % 4000) + phoneSeq++)
    .padStart(4, '0')
    .slice(-4)}`;

async function createClient(fields: Record<string, unknown>) {
  const res = await e2e.call('POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Sam Texter', ...fields },
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; phone: string };
}

async function sendSms(json: Record<string, unknown>, token = owner.accessToken) {
  return e2e.call('POST', '/api/sms', { token, json });
}

async function settled(id: string, statuses = ['delivered', 'failed', 'cancelled', 'undelivered']) {
  return eventually(async () => {
    const res = await e2e.call('GET', `/api/sms/${id}`, { token: owner.accessToken });
    return statuses.includes(res.body.status) ? res.body : undefined;
  }, 30_000);
}

const sentTo = async (phone: string) => (await e2e.sandbox.sent('twilio')).filter((m) => m.to === phone);

/** Posts a form to one of the API's Twilio webhooks, signed as Twilio signs (or with `signature`). */
async function postTwilioWebhook(path: string, params: Record<string, string>, signature?: string) {
  const url = `${e2e.config.http.publicBaseUrl}${path}`;
  const signed = signature ?? twilio.getExpectedTwilioSignature(e2e.config.twilio.authToken as string, url, params);
  return e2e.call('POST', path, {
    raw: new URLSearchParams(params).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signed },
  });
}

const getClient = async (id: string) =>
  (await e2e.call('GET', `/api/clients/${id}`, { token: owner.accessToken })).body;

describe('sending', () => {
  it("texts a consenting client through its own workflow, and shows it delivered from Twilio's callbacks", async () => {
    const phone = freshPhone();
    const client = await createClient({ phone, smsConsent: true });
    const res = await sendSms({ clientId: client.id, body: 'Your appointment is confirmed for Tuesday at 10:00.' });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    expect(res.body).toEqual({ id, status: 'queued', workflowId: `sms:${owner.tenantId}:${id}` });
    expect(res.headers.location).toBe(`/api/sms/${id}`);

    const sms = await settled(id);
    expect(sms).toMatchObject({
      id,
      direction: 'outbound',
      status: 'delivered',
      clientId: client.id,
      to: phone,
      from: OUR_NUMBER,
      body: 'Your appointment is confirmed for Tuesday at 10:00.',
      attempts: 1,
      lastError: null,
      twilioSid: expect.stringMatching(/^SM/),
      sentAt: expect.any(String),
      deliveredAt: expect.any(String),
    });
    const sent = await sentTo(phone);
    expect(sent).toEqual([
      expect.objectContaining({ body: 'Your appointment is confirmed for Tuesday at 10:00.', sid: sms.twilioSid }),
    ]);
    // Twilio was told where to report delivery: the API's public status route, naming the text.
    expect(sent[0].statusCallback).toBe(
      `${e2e.config.http.publicBaseUrl}/api/sms/status?tenantId=${owner.tenantId}&smsId=${id}`,
    );

    // Twilio's delivered callback can beat the workflow's own last step: wait for its end.
    const handle = e2e.temporal.workflow.getHandle(sms.workflowId);
    await handle.result();
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.searchAttributes).toMatchObject({ TenantId: [owner.tenantId], ClientId: [client.id] });
    const listed = await e2e.call('GET', '/api/sms?direction=outbound&status=delivered', { token: owner.accessToken });
    expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(id);
  });

  it('texts a number that is no client, written any common way, in E.164', async () => {
    const res = await sendSms({ to: '+1 (415) 555-0199', body: 'Your order is ready.' });
    expect(res.status).toBe(202);
    expect(await settled(res.body.id)).toMatchObject({ status: 'delivered', to: '+14155550199', clientId: null });
  });

  it('refuses, naming the field, what cannot be sent, and stores nothing', async () => {
    const noConsent = await createClient({ phone: freshPhone(), smsConsent: false });
    const noPhone = await createClient({ email: 'nophone@example.com', smsConsent: true });
    const premium = await createClient({ phone: '+1 900 555 0143', smsConsent: true });
    const before = (await e2e.call('GET', '/api/sms?limit=100', { token: owner.accessToken })).body.items.length;

    const cases: [Record<string, unknown>, number, string | null][] = [
      [{ body: 'Hi' }, 422, 'clientId'],
      [{ clientId: noConsent.id, to: '+14155550100', body: 'Hi' }, 422, 'to'],
      [{ to: '12345', body: 'Hi' }, 422, 'to'],
      [{ to: '+14155550100', body: '   ' }, 422, 'body'],
      [{ to: '+14155550100', body: 'x'.repeat(1601) }, 422, 'body'],
      [{ clientId: '00000000-0000-4000-8000-000000000000', body: 'Hi' }, 422, 'clientId'],
      [{ clientId: noPhone.id, body: 'Hi' }, 422, 'clientId'],
      [{ to: '+1 900 555 0143', body: 'Hi' }, 422, 'to'],
      [{ to: '+44 871 234 5678', body: 'Hi' }, 422, 'to'],
      [{ to: '+1 800 555 0199', body: 'Hi' }, 422, 'to'],
      [{ clientId: premium.id, body: 'Hi' }, 422, 'clientId'],
      [{ clientId: noConsent.id, body: 'Hi' }, 409, null],
      [{ to: noConsent.phone, body: 'Hi' }, 409, null],
    ];
    for (const [json, status, field] of cases) {
      const res = await sendSms(json);
      expect({ json, status: res.status }).toEqual({ json, status });
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect((await e2e.call('GET', '/api/sms?limit=100', { token: owner.accessToken })).body.items).toHaveLength(before);
  });

  it('after a 5xx that Twilio acted on, never creates the text a second time', async () => {
    const phone = freshPhone();
    const client = await createClient({ phone, smsConsent: true });
    const creates = async () =>
      (await e2e.sandbox.requests('twilio')).filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json'));
    const before = (await creates()).length;
    // Twilio creates the message, then the answer is lost. Either the next try finds it in
    // Twilio's list, or Twilio's delivery callback names it first; both settle it without a resend.
    await e2e.sandbox.fault({ provider: 'twilio', status: 500, count: 1, after: true });
    const res = await sendSms({ clientId: client.id, body: 'Sent once, whatever happens.' });
    const sms = await settled(res.body.id);
    const sent = await sentTo(phone);
    expect(sent).toHaveLength(1);
    expect(sms).toMatchObject({ status: 'delivered', twilioSid: sent[0].sid });
    expect((await creates()).slice(before)).toEqual([expect.objectContaining({ fault: true, status: 500 })]);
  });

  it('fails a permanent Twilio error after one attempt, without retrying', async () => {
    const phone = freshPhone();
    await e2e.sandbox.fault({
      provider: 'twilio',
      status: 400,
      count: 1,
      body: { code: 21614, message: "'To' number is not a valid mobile number", status: 400 },
    });
    const res = await sendSms({ to: phone, body: 'To a landline.' });
    const sms = await settled(res.body.id);
    expect(sms).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('not_mobile_number'),
      twilioSid: null,
    });
    expect(await sentTo(phone)).toHaveLength(0);
  });
});

describe("Twilio's webhooks", () => {
  it('STOP withdraws the consent of the client at that number, START gives it back; each text is kept', async () => {
    const phone = freshPhone();
    const client = await createClient({ phone, smsConsent: true });

    const stop = await e2e.sandbox.control('POST', '/_sandbox/twilio/inbound', {
      from: phone,
      to: OUR_NUMBER,
      body: ' stop ',
    });
    expect(stop.body.status).toBe(200);
    expect(await getClient(client.id)).toMatchObject({ smsConsent: false, smsConsentSource: 'sms:STOP' });
    expect((await sendSms({ clientId: client.id, body: 'Not after STOP.' })).status).toBe(409);

    const start = await e2e.sandbox.control('POST', '/_sandbox/twilio/inbound', {
      from: phone,
      to: OUR_NUMBER,
      body: 'START',
    });
    expect(start.body.status).toBe(200);
    expect(await getClient(client.id)).toMatchObject({ smsConsent: true, smsConsentSource: 'sms:START' });

    const inbound = await e2e.call('GET', `/api/sms?direction=inbound&clientId=${client.id}`, {
      token: owner.accessToken,
    });
    expect(inbound.body.items).toEqual([
      expect.objectContaining({
        direction: 'inbound',
        status: 'received',
        from: phone,
        to: OUR_NUMBER,
        body: 'START',
        keyword: 'start',
      }),
      expect.objectContaining({
        direction: 'inbound',
        status: 'received',
        from: phone,
        body: ' stop ',
        keyword: 'stop',
      }),
    ]);
    const audit = await e2e.call('GET', `/api/audit?target=client:${client.id}`, { token: owner.accessToken });
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['client.sms_consent_withdrawn', 'client.sms_consent_given']),
    );
  });

  it('answers HELP with TwiML, an ordinary text with an empty response, and stores a redelivery once', async () => {
    const phone = freshPhone();
    const client = await createClient({ phone, smsConsent: true });
    const form = {
      MessageSid: `SM${'a'.repeat(24)}${phoneSeq}`,
      AccountSid: 'ACtest',
      From: phone,
      To: OUR_NUMBER,
      Body: 'HELP',
    };
    const help = await postTwilioWebhook('/api/sms/webhook', form);
    expect(help.status).toBe(200);
    expect(help.headers['content-type']).toContain('text/xml');
    expect(help.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>.*Reply STOP.*<\/Message><\/Response>$/,
    );
    // Twilio retries a webhook that timed out: the same MessageSid is stored once.
    expect((await postTwilioWebhook('/api/sms/webhook', form)).status).toBe(200);

    const hello = await postTwilioWebhook('/api/sms/webhook', {
      ...form,
      MessageSid: `SM${'b'.repeat(24)}${phoneSeq}`,
      Body: 'See you at 3',
    });
    expect(hello.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    const inbound = await e2e.call('GET', `/api/sms?direction=inbound&clientId=${client.id}`, {
      token: owner.accessToken,
    });
    expect(inbound.body.items.map((s: { body: string; keyword: string | null }) => [s.body, s.keyword])).toEqual([
      ['See you at 3', null],
      ['HELP', 'help'],
    ]);
    expect(await getClient(client.id)).toMatchObject({ smsConsent: true });
  });

  it('refuses a forged or unsigned inbound text with 403 and acts on nothing', async () => {
    const phone = freshPhone();
    const client = await createClient({ phone, smsConsent: true });
    const form = { MessageSid: `SM${'c'.repeat(24)}${phoneSeq}`, From: phone, To: OUR_NUMBER, Body: 'STOP' };
    const forged = await postTwilioWebhook(
      '/api/sms/webhook',
      form,
      twilio.getExpectedTwilioSignature('not-the-auth-token', `${e2e.config.http.publicBaseUrl}/api/sms/webhook`, form),
    );
    expect(forged.status).toBe(403);
    expect(forged.headers['content-type']).toContain('application/problem+json');
    const unsigned = await e2e.call('POST', '/api/sms/webhook', {
      raw: new URLSearchParams(form).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(unsigned.status).toBe(403);
    // Signed for another URL (a replay against the wrong route) does not pass either.
    const otherUrl = twilio.getExpectedTwilioSignature(
      e2e.config.twilio.authToken as string,
      `${e2e.config.http.publicBaseUrl}/api/sms/status`,
      form,
    );
    expect((await postTwilioWebhook('/api/sms/webhook', form, otherUrl)).status).toBe(403);
    expect(await getClient(client.id)).toMatchObject({ smsConsent: true });
    const inbound = await e2e.call('GET', `/api/sms?direction=inbound&clientId=${client.id}`, {
      token: owner.accessToken,
    });
    expect(inbound.body.items).toEqual([]);
  });

  it('applies status callbacks only forward, records why a text was undelivered, and refuses forged ones', async () => {
    const phone = freshPhone();
    const res = await sendSms({ to: phone, body: 'Status callback test.' });
    const sms = await settled(res.body.id);
    expect(sms.status).toBe('delivered');
    const callback = (status: string, extra: Record<string, string> = {}) =>
      postTwilioWebhook('/api/sms/status', {
        MessageSid: sms.twilioSid,
        MessageStatus: status,
        To: phone,
        From: OUR_NUMBER,
        ...extra,
      });

    // A late "sent" after "delivered" changes nothing.
    expect((await callback('sent')).status).toBe(204);
    expect((await e2e.call('GET', `/api/sms/${sms.id}`, { token: owner.accessToken })).body).toMatchObject({
      status: 'delivered',
    });
    // A forged callback is refused and changes nothing.
    const forged = await postTwilioWebhook(
      '/api/sms/status',
      { MessageSid: sms.twilioSid, MessageStatus: 'failed' },
      'bm90IGEgc2lnbmF0dXJl',
    );
    expect(forged.status).toBe(403);
    expect((await e2e.call('GET', `/api/sms/${sms.id}`, { token: owner.accessToken })).body).toMatchObject({
      status: 'delivered',
    });
    // A callback for a SID no business sent is answered (Twilio stops retrying) and ignored.
    expect(
      (await postTwilioWebhook('/api/sms/status', { MessageSid: 'SMunknown', MessageStatus: 'delivered' })).status,
    ).toBe(204);
  });

  it('an undelivered callback records why, and one for an opted-out number withdraws consent', async () => {
    // The sandbox reports every text delivered, so texts still "sent" (Twilio has not reported
    // back yet) are stored the way the send activity leaves them.
    const phone = freshPhone();
    const client = await createClient({ phone, smsConsent: true });
    const stored = async (sid: string) => {
      const id = randomUUID();
      await withTenant(e2e.pool, owner.tenantId, async (db) => {
        await insertOutboundSms(db, {
          id,
          tenantId: owner.tenantId,
          clientId: client.id,
          to: phone,
          body: `text ${sid}`,
          workflowId: `sms:${owner.tenantId}:${id}`,
        });
        await markSmsSent(db, id, { twilioSid: sid, from: OUR_NUMBER });
      });
      return id;
    };
    const unreachable = await stored(`SM${randomUUID().replace(/-/g, '')}`);
    const unreachableSid = (await e2e.call('GET', `/api/sms/${unreachable}`, { token: owner.accessToken })).body
      .twilioSid;
    const res = await postTwilioWebhook('/api/sms/status', {
      MessageSid: unreachableSid,
      MessageStatus: 'undelivered',
      ErrorCode: '30006',
      To: phone,
    });
    expect(res.status).toBe(204);
    expect((await e2e.call('GET', `/api/sms/${unreachable}`, { token: owner.accessToken })).body).toMatchObject({
      status: 'undelivered',
      lastError: 'unreachable_number (Twilio 30006)',
      deliveredAt: null,
    });
    expect(await getClient(client.id)).toMatchObject({ smsConsent: true });

    const optedOut = await stored(`SM${randomUUID().replace(/-/g, '')}`);
    const optedOutSid = (await e2e.call('GET', `/api/sms/${optedOut}`, { token: owner.accessToken })).body.twilioSid;
    await postTwilioWebhook('/api/sms/status', {
      MessageSid: optedOutSid,
      MessageStatus: 'failed',
      ErrorCode: '21610',
      To: phone,
    });
    expect((await e2e.call('GET', `/api/sms/${optedOut}`, { token: owner.accessToken })).body).toMatchObject({
      status: 'failed',
    });
    expect(await getClient(client.id)).toMatchObject({ smsConsent: false, smsConsentSource: 'twilio:21610' });
  });
});
