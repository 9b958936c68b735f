// Gmail through googleapis over HTTP to the sandbox: OAuth per mailbox, send with threading,
// search by Message-ID, watch, history and its 404, and every failure class.
import { createGmail, type Gmail } from '../../src/providers/google/gmail';
import { type SandboxHarness, startTestSandbox, upstreamFailure } from '../helpers/sandbox';
import { eventually } from '../helpers/eventually';

let h: SandboxHarness;
let gmail: Gmail;
let refreshToken: string;
const OWNER = 'owner@salon.example';

beforeAll(async () => {
  h = await startTestSandbox();
  refreshToken = await h.connectMailbox(OWNER);
  gmail = createGmail(h.config, { refreshToken });
});
afterAll(() => h.close());

describe('Gmail through the sandbox', () => {
  it('connects a mailbox through the consent flow and reads its profile', async () => {
    const profile = await gmail.getProfile();
    expect(profile.emailAddress).toBe(OWNER);
    expect(profile.historyId).toMatch(/^\d+$/);
  });

  it('sends raw MIME with a Message-ID, and a reply joins the thread with In-Reply-To and References', async () => {
    const first = await gmail.send({
      from: `Salon <${OWNER}>`,
      to: 'client@example.com',
      subject: 'Your booking on Friday',
      text: 'See you at 10:00.',
      html: '<p>See you at <b>10:00</b>.</p>',
      messageId: '<booking-1@frontdesk.test>',
    });
    expect(first.id).toMatch(/^[0-9a-f]{16}$/);
    expect(first.labelIds).toEqual(['SENT']);

    const reply = await gmail.send({
      from: OWNER,
      to: 'client@example.com',
      subject: 'Re: Your booking on Friday',
      text: 'Föllow-up: bring your card. ✂',
      messageId: '<booking-2@frontdesk.test>',
      threadId: first.threadId,
      inReplyTo: '<booking-1@frontdesk.test>',
      references: ['<booking-1@frontdesk.test>'],
    });
    expect(reply.threadId).toBe(first.threadId);

    const sent = await h.sent('gmail');
    expect(sent.at(-2)).toMatchObject({
      to: 'client@example.com',
      from: OWNER,
      subject: 'Your booking on Friday',
      text: 'See you at 10:00.',
      messageId: '<booking-1@frontdesk.test>',
      threadId: first.threadId,
    });
    expect(sent.at(-1)).toMatchObject({
      text: 'Föllow-up: bring your card. ✂',
      messageId: '<booking-2@frontdesk.test>',
      threadId: first.threadId,
    });

    const full = await gmail.getMessage(reply.id);
    expect(full.headers['in-reply-to']).toBe('<booking-1@frontdesk.test>');
    expect(full.headers.references).toBe('<booking-1@frontdesk.test>');
    expect(full.text?.trim()).toBe('Föllow-up: bring your card. ✂');
    const raw = await gmail.getMessage(first.id, 'raw');
    expect(raw.raw?.toString('utf8')).toMatch(/^Message-ID: <booking-1@frontdesk\.test>/m);
    expect((await gmail.getMessage(first.id)).html).toContain('<b>10:00</b>');
  });

  it('finds a message by its RFC Message-ID, and answers null for one never sent', async () => {
    const sent = await gmail.send({
      from: OWNER,
      to: 'a@example.com',
      subject: 'Receipt',
      text: 'Thanks',
      messageId: '<receipt-7@frontdesk.test>',
    });
    await expect(gmail.findByMessageId('<receipt-7@frontdesk.test>')).resolves.toEqual({
      id: sent.id,
      threadId: sent.threadId,
    });
    await expect(gmail.findByMessageId('receipt-7@frontdesk.test')).resolves.toEqual({
      id: sent.id,
      threadId: sent.threadId,
    });
    await expect(gmail.findByMessageId('<never-sent@frontdesk.test>')).resolves.toBeNull();
  });

  it('watches the mailbox, then lists new inbox mail through history with ids that only grow', async () => {
    const watch = await gmail.watch({ topicName: 'projects/frontdesk-local/topics/gmail' });
    expect(watch.expiration.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const start = watch.historyId;

    const dropped = await h.control('POST', '/_sandbox/gmail/inbox', {
      to: OWNER,
      from: 'Dana <dana@example.com>',
      subject: 'Can I book Tuesday?',
      text: 'Hi, is Tuesday at 3pm free?',
    });
    expect(dropped.status).toBe(201);
    const second = await h.control('POST', '/_sandbox/gmail/inbox', {
      to: OWNER,
      from: 'dana@example.com',
      subject: 'Re: Can I book Tuesday?',
      text: 'Or Wednesday.',
      threadId: dropped.body.threadId,
    });
    expect(second.body.threadId).toBe(dropped.body.threadId);

    const page = await gmail.listHistory({ startHistoryId: start, labelId: 'INBOX' });
    expect(page.messagesAdded.map((m) => m.id)).toEqual([dropped.body.id, second.body.id]);
    const ids = [start, ...page.messagesAdded.map((m) => m.historyId)].map(Number);
    for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
    expect(Number(page.historyId)).toBe(ids.at(-1));
    expect(page.nextPageToken).toBeNull();

    // Read from the newest id again: nothing new.
    expect((await gmail.listHistory({ startHistoryId: page.historyId })).messagesAdded).toEqual([]);

    const message = await gmail.getMessage(second.body.id);
    expect(message).toMatchObject({
      threadId: dropped.body.threadId,
      labelIds: ['INBOX', 'UNREAD'],
      text: expect.stringContaining('Or Wednesday.'),
    });
    expect(message.headers['in-reply-to']).toBe(dropped.body.messageId);
    expect(message.headers.from).toBe('dana@example.com');

    const listed = await gmail.listMessages({ q: 'from:dana@example.com', labelIds: ['INBOX'] });
    expect(listed.messages.map((m) => m.id)).toEqual([second.body.id, dropped.body.id]);
    await gmail.stopWatch();
  });

  it('pages history with nextPageToken', async () => {
    const { historyId } = await gmail.getProfile();
    for (const n of [1, 2, 3])
      await h.control('POST', '/_sandbox/gmail/inbox', {
        to: OWNER,
        from: 'p@example.com',
        subject: `Page ${n}`,
        text: 'x',
      });
    const first = await gmail.listHistory({ startHistoryId: historyId, maxResults: 2 });
    expect(first.messagesAdded).toHaveLength(2);
    expect(first.nextPageToken).not.toBeNull();
    const rest = await gmail.listHistory({ startHistoryId: historyId, maxResults: 2, pageToken: first.nextPageToken! });
    expect(rest.messagesAdded).toHaveLength(1);
    expect(rest.nextPageToken).toBeNull();
  });

  it('answers a history id that is too old with history_too_old (full sync needed)', async () => {
    const { historyId } = await gmail.getProfile();
    await h.control('POST', '/_sandbox/gmail/expire-history', { emailAddress: OWNER });
    const err = await upstreamFailure(gmail.listHistory({ startHistoryId: historyId }));
    expect(err.details).toMatchObject({
      provider: 'gmail',
      code: 'history_too_old',
      retryable: false,
      httpStatus: 404,
    });
    const ancient = await upstreamFailure(gmail.listHistory({ startHistoryId: '1' }));
    expect(ancient.code).toBe('history_too_old');
  });

  it('keeps mailboxes apart: a second tenant sees only its own mail', async () => {
    const other = createGmail(h.config, { refreshToken: await h.connectMailbox('front@clinic.example') });
    expect((await other.getProfile()).emailAddress).toBe('front@clinic.example');
    await expect(other.findByMessageId('<receipt-7@frontdesk.test>')).resolves.toBeNull();
  });
});

describe('Gmail failures, classified', () => {
  const send = () =>
    gmail.send({
      from: OWNER,
      to: 'x@example.com',
      subject: 's',
      text: 't',
      messageId: `<m-${Math.random()}@frontdesk.test>`,
    });

  it('429 is retryable with the Retry-After delay, and the SDK tried once', async () => {
    const before = (await h.requests('gmail')).length;
    await h.fault({ provider: 'gmail', status: 429, headers: { 'retry-after': '7' } });
    const err = await upstreamFailure(gmail.getProfile());
    expect(err.details).toMatchObject({
      provider: 'gmail',
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 7000,
      httpStatus: 429,
    });
    expect((await h.requests('gmail')).length).toBe(before + 1);
  });

  it('5xx on send is retryable and ambiguous (check by Message-ID before resending); no SDK retry', async () => {
    await h.fault({ provider: 'gmail', status: 503, count: 3 });
    const before = (await h.requests('gmail')).length;
    const err = await upstreamFailure(send());
    expect(err.details).toMatchObject({ code: 'server_error', retryable: true, ambiguous: true, httpStatus: 503 });
    expect((await h.requests('gmail')).length).toBe(before + 1);
    const reads = await upstreamFailure(gmail.getProfile());
    expect(reads.details).toMatchObject({ code: 'server_error', retryable: true });
    expect(reads.details.ambiguous).toBeUndefined();
    await h.control('DELETE', '/_sandbox/faults');
  });

  it.each([
    ['rateLimitExceeded', 'rate_limited', true],
    ['userRateLimitExceeded', 'rate_limited', true],
    ['dailyLimitExceeded', 'daily_limit_exceeded', false],
    ['insufficientPermissions', 'reauth_required', false],
  ])('403 %s → %s (retryable %s)', async (reason, code, retryable) => {
    await h.fault({
      provider: 'gmail',
      status: 403,
      body: { error: { code: 403, message: reason, errors: [{ domain: 'usageLimits', reason, message: reason }] } },
    });
    const err = await upstreamFailure(gmail.getProfile());
    expect(err.details).toMatchObject({ code, retryable, httpStatus: 403 });
  });

  it('400 is permanent', async () => {
    await h.fault({ provider: 'gmail', status: 400 });
    expect((await upstreamFailure(send())).details).toMatchObject({ code: 'bad_request', retryable: false });
  });

  it('a revoked grant (invalid_grant at the token endpoint) is permanent reauth_required', async () => {
    const fresh = createGmail(h.config, { refreshToken });
    await h.fault({
      provider: 'google-oauth',
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    });
    const err = await upstreamFailure(fresh.getProfile());
    expect(err.details).toMatchObject({
      provider: 'gmail',
      code: 'reauth_required',
      retryable: false,
      httpStatus: 400,
    });
    const unknown = createGmail(h.config, { refreshToken: '1//not-a-token-the-sandbox-issued' });
    expect((await upstreamFailure(unknown.getProfile())).code).toBe('reauth_required');
  });

  it('invalid_grant in an API answer is reauth_required too', async () => {
    await h.fault({
      provider: 'gmail',
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Bad Request' },
    });
    expect((await upstreamFailure(gmail.getProfile())).details).toMatchObject({
      code: 'reauth_required',
      retryable: false,
    });
  });

  it('a token endpoint outage is retryable, and tried once', async () => {
    const fresh = createGmail(h.config, { refreshToken });
    await h.fault({ provider: 'google-oauth', status: 503, count: 2 });
    const err = await upstreamFailure(fresh.getProfile());
    expect(err.details).toMatchObject({ code: 'server_error', retryable: true, httpStatus: 503 });
    expect((await h.control('GET', '/_sandbox/faults')).body.queued).toEqual([
      { provider: 'google-oauth', status: 503, remaining: 1 },
    ]);
    await h.control('DELETE', '/_sandbox/faults');
  });

  it('a hang is a timeout: retryable, and ambiguous for a send', async () => {
    const quick = createGmail(h.config, { refreshToken, timeoutMs: 1_000 });
    // The token fetched before the hang. Not what is tested, so a warm-up that a loaded machine
    // makes slower than the client's timeout is simply tried again.
    await eventually(
      () =>
        quick.getProfile().then(
          () => true,
          () => undefined,
        ),
      30_000,
      'a first call within the timeout',
    );
    // Each hang lasts three times the client's timeout: the faster or slower the machine, it is a timeout.
    await h.fault({ provider: 'gmail', status: 0, delayMs: 3_000 });
    const err = await upstreamFailure(
      quick.send({ from: OWNER, to: 'x@example.com', subject: 's', text: 't', messageId: '<hang@frontdesk.test>' }),
    );
    expect(err.details).toMatchObject({ code: 'timeout', retryable: true, ambiguous: true });
    await h.fault({ provider: 'gmail', status: 0, delayMs: 3_000 });
    const read = await upstreamFailure(quick.getProfile());
    expect(read.details).toMatchObject({ code: 'timeout', retryable: true });
    expect(read.details.ambiguous).toBeUndefined();
  });

  it('a dropped connection is retryable', async () => {
    await h.fault({ provider: 'gmail', status: 0, delayMs: 10 });
    expect((await upstreamFailure(gmail.getProfile())).details).toMatchObject({
      code: 'connection_reset',
      retryable: true,
    });
  });
});
