// Twilio through twilio-node (its request client aimed at the sandbox) over HTTP: sending with a
// status callback, signed webhooks checked with validateRequest, opt-outs and every failure class.
import { createTwilio, createTwilioSignatureValidator, type Sms } from '../../src/providers/twilio';
import { eventually, type SandboxHarness, startTestSandbox, upstreamFailure } from '../helpers/sandbox';

let h: SandboxHarness;
let sms: Sms;
const CLIENT = '+15551230001';

beforeAll(async () => {
  h = await startTestSandbox();
  sms = createTwilio(h.config);
});
afterAll(() => h.close());

const formOf = (body: string) => Object.fromEntries(new URLSearchParams(body));

describe('Twilio through the sandbox', () => {
  it('sends an SMS, records it, and posts signed status callbacks', async () => {
    const callback = `${h.receiver.url}/api/sms/status`;
    const sent = await sms.send({ to: CLIENT, body: 'Your invoice is due Friday.', statusCallback: callback });
    expect(sent).toMatchObject({ to: CLIENT, from: '+15005550006', status: 'queued' });
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect((await h.sent('twilio')).at(-1)).toMatchObject({
      to: CLIENT,
      from: '+15005550006',
      body: 'Your invoice is due Friday.',
      sid: sent.sid,
    });

    const validator = createTwilioSignatureValidator(h.config);
    const callbacks = await eventually(() => {
      const found = h.receiver.received.filter(
        (d) => d.path === '/api/sms/status' && formOf(d.body).MessageSid === sent.sid,
      );
      return found.length === 2 ? found : undefined;
    });
    expect(callbacks.map((c) => formOf(c.body).MessageStatus)).toEqual(['sent', 'delivered']);
    for (const c of callbacks)
      expect(validator.isValid(c.headers['x-twilio-signature'] as string, callback, formOf(c.body))).toBe(true);
  });

  it('delivers an inbound SMS signed with the auth token; validateRequest accepts it and rejects tampering', async () => {
    const res = await h.control('POST', '/_sandbox/twilio/inbound', {
      from: CLIENT,
      to: '+15005550006',
      body: 'Can I move my appointment?',
    });
    expect(res.body).toMatchObject({ status: 200, messageSid: expect.stringMatching(/^SM/) });
    const delivery = h.receiver.received.find(
      (d) => d.path === '/api/sms/webhook' && formOf(d.body).MessageSid === res.body.messageSid,
    )!;
    const params = formOf(delivery.body);
    expect(params).toMatchObject({ From: CLIENT, To: '+15005550006', Body: 'Can I move my appointment?' });
    const validator = createTwilioSignatureValidator(h.config);
    const signature = delivery.headers['x-twilio-signature'] as string;
    const url = `${h.config.http.publicBaseUrl}/api/sms/webhook`;
    expect(validator.isValid(signature, url, params)).toBe(true);
    expect(validator.isValid(signature, url, { ...params, Body: 'Cancel everything' })).toBe(false);
    expect(validator.isValid(signature, 'https://elsewhere.example/api/sms/webhook', params)).toBe(false);
    expect(validator.isValid(undefined, url, params)).toBe(false);
    const otherToken = createTwilioSignatureValidator({
      ...h.config,
      twilio: { ...h.config.twilio, authToken: 'another-token' },
    });
    expect(otherToken.isValid(signature, url, params)).toBe(false);
  });

  it('after the recipient texts STOP, sending is recipient_opted_out (permanent); START lifts it', async () => {
    const optOut = '+15551230002';
    await h.control('POST', '/_sandbox/twilio/inbound', { from: optOut, to: '+15005550006', body: 'STOP' });
    const err = await upstreamFailure(sms.send({ to: optOut, body: 'Reminder' }));
    expect(err.details).toMatchObject({
      provider: 'twilio',
      code: 'recipient_opted_out',
      retryable: false,
      httpStatus: 400,
    });
    await h.control('POST', '/_sandbox/twilio/inbound', { from: optOut, to: '+15005550006', body: 'start' });
    await expect(sms.send({ to: optOut, body: 'Reminder' })).resolves.toMatchObject({ status: 'queued' });
  });

  it('a number that is not E.164 is invalid_number (permanent)', async () => {
    expect((await upstreamFailure(sms.send({ to: '555-1234', body: 'x' }))).details).toMatchObject({
      code: 'invalid_number',
      retryable: false,
    });
  });

  it('findSent finds a message created since a moment, by recipient and exact body, and nothing else', async () => {
    const since = new Date();
    const to = '+15551230003';
    const sent = await sms.send({ to, body: 'Invoice #7 reminder' });
    await expect(sms.findSent({ to, body: 'Invoice #7 reminder', since })).resolves.toMatchObject({
      sid: sent.sid,
      to,
    });
    await expect(sms.findSent({ to, body: 'Invoice #8 reminder', since })).resolves.toBeNull();
    await expect(sms.findSent({ to: '+15551230004', body: 'Invoice #7 reminder', since })).resolves.toBeNull();
    await expect(
      sms.findSent({ to, body: 'Invoice #7 reminder', since: new Date(Date.now() + 5_000) }),
    ).resolves.toBeNull();
  });

  it('a wrong auth token is auth_failed', async () => {
    const wrong = createTwilio({ ...h.config, twilio: { ...h.config.twilio, authToken: 'not-the-token' } });
    expect((await upstreamFailure(wrong.send({ to: CLIENT, body: 'x' }))).details).toMatchObject({
      code: 'auth_failed',
      retryable: false,
      httpStatus: 401,
    });
  });
});

describe('Twilio failures, classified', () => {
  it.each([
    [429, 20429, 'rate_limited', true],
    [400, 21610, 'recipient_opted_out', false],
    [400, 21211, 'invalid_number', false],
    [400, 21614, 'not_mobile_number', false],
    [400, 21635, 'not_mobile_number', false],
    [400, 30006, 'unreachable_number', false],
    [400, 21999, 'rejected', false],
  ])('HTTP %i with Twilio code %i → %s (retryable %s)', async (status, code, expected, retryable) => {
    await h.fault({
      provider: 'twilio',
      status,
      body: { code, message: `error ${code}`, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    });
    const err = await upstreamFailure(sms.send({ to: CLIENT, body: 'x' }));
    expect(err.details).toMatchObject({ code: expected, retryable, httpStatus: status });
  });

  it('a bare 429 is retryable', async () => {
    await h.fault({ provider: 'twilio', status: 429 });
    expect((await upstreamFailure(sms.send({ to: CLIENT, body: 'x' }))).details).toMatchObject({
      code: 'rate_limited',
      retryable: true,
    });
  });

  it('a 5xx on create is maybe_sent: not retryable, ambiguous, and the SDK did not resend', async () => {
    const before = (await h.requests('twilio')).length;
    await h.fault({ provider: 'twilio', status: 500, count: 3 });
    const err = await upstreamFailure(sms.send({ to: CLIENT, body: 'x' }));
    expect(err.details).toMatchObject({ code: 'maybe_sent', retryable: false, ambiguous: true, httpStatus: 500 });
    expect((await h.requests('twilio')).length).toBe(before + 1);
    await h.control('DELETE', '/_sandbox/faults');
  });

  it('a hang or reset mid-request is maybe_sent too', async () => {
    const quick = createTwilio(h.config, { timeoutMs: 300 });
    await h.fault({ provider: 'twilio', status: 0, delayMs: 1500 });
    expect((await upstreamFailure(quick.send({ to: CLIENT, body: 'x' }))).details).toMatchObject({
      code: 'maybe_sent',
      retryable: false,
      ambiguous: true,
    });
    await h.fault({ provider: 'twilio', status: 0, delayMs: 10 });
    expect((await upstreamFailure(sms.send({ to: CLIENT, body: 'x' }))).details).toMatchObject({
      code: 'maybe_sent',
      retryable: false,
      ambiguous: true,
    });
  });

  it('a 5xx after Twilio acted is maybe_sent, and findSent then shows the message went', async () => {
    const since = new Date();
    const to = '+15551230005';
    await h.fault({ provider: 'twilio', status: 502, after: true });
    const err = await upstreamFailure(sms.send({ to, body: 'Your appointment is tomorrow' }));
    expect(err.details).toMatchObject({ code: 'maybe_sent', retryable: false, ambiguous: true });
    const found = await sms.findSent({ to, body: 'Your appointment is tomorrow', since });
    expect(found).not.toBeNull();
    expect((await h.sent('twilio')).filter((s) => s.to === to).map((s) => s.sid)).toEqual([found!.sid]);
  });

  it('a failure while checking is classified like any read: 5xx retryable', async () => {
    await h.fault({ provider: 'twilio', status: 503 });
    expect((await upstreamFailure(sms.findSent({ to: CLIENT, body: 'x', since: new Date() }))).details).toMatchObject({
      code: 'server_error',
      retryable: true,
    });
  });

  it('a refused connection never reached Twilio: retryable, not ambiguous', async () => {
    const closed = await startTestSandbox();
    const config = closed.config;
    await closed.close();
    const err = await upstreamFailure(createTwilio(config).send({ to: CLIENT, body: 'x' }));
    expect(err.details).toMatchObject({ code: 'connection_refused', retryable: true });
    expect(err.details.ambiguous).toBeUndefined();
  });
});
