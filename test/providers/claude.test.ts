// Claude through @anthropic-ai/sdk over HTTP to the sandbox: forced tool calls for classification
// and drafting, and every failure class.
import { createClaude, type Claude } from '../../src/providers/claude';
import { type SandboxHarness, startTestSandbox, upstreamFailure } from '../helpers/sandbox';

let h: SandboxHarness;
let claude: Claude;

beforeAll(async () => {
  h = await startTestSandbox();
  claude = createClaude(h.config);
});
afterAll(() => h.close());

const message = (text: string) => ({ from: 'someone@example.com', subject: 'Hello', text });

describe('Claude through the sandbox', () => {
  it.each([
    ['If you cancel again I know where you live and you will regret it.', 'threat', 'high'],
    ['You are an idiot and your staff are worthless.', 'harassment', 'medium'],
    ['Your account has been suspended. Verify your account at http://bit.ly/x to keep booking.', 'phishing', 'medium'],
    ['Please pay the deposit in gift cards and send me the codes.', 'fraud', 'medium'],
    ['My lawyer will be in touch about the damage to my hair.', 'legal', 'low'],
    ['Some days I just want to end my life.', 'self-harm', 'high'],
  ])('classifies %j as unsafe %s', async (text, category, severity) => {
    const result = await claude.classify(message(text));
    expect(result).toMatchObject({ safe: false, category, severity });
    expect(result.reason.length).toBeGreaterThan(10);
  });

  it('classifies an ordinary booking question as safe', async () => {
    await expect(
      claude.classify(message('Hi! Do you have anything free on Tuesday afternoon for a trim?')),
    ).resolves.toEqual({
      safe: true,
      category: null,
      severity: 'none',
      reason: expect.any(String),
    });
  });

  it('drafts a polite reply signed by the business, and the call is recorded with its forced tool', async () => {
    const draft = await claude.draftReply({
      businessName: 'Bloom Salon',
      customerName: 'Dana Smith',
      subject: 'Booking',
      thread: [{ from: 'dana@example.com', text: 'Can I book an appointment on Friday?' }],
      context: 'Open Mon–Sat 9–18',
    });
    expect(draft.body).toMatch(/^Hi Dana,/);
    expect(draft.body).toContain('find a time');
    expect(draft.body).toMatch(/Bloom Salon$/);
    const [last] = (await h.sent('anthropic')).slice(-1);
    expect(last).toMatchObject({ model: h.config.anthropic.model, tools: ['draft_reply'], toolChoice: 'draft_reply' });
    expect(last.prompt).toContain('Can I book an appointment on Friday?');
  });
});

describe('Claude failures, classified', () => {
  it('429 with retry-after is retryable with that delay, and the SDK tries once', async () => {
    const before = (await h.requests('anthropic')).length;
    await h.fault({ provider: 'anthropic', status: 429, count: 2, headers: { 'retry-after': '12' } });
    const err = await upstreamFailure(claude.classify(message('hi')));
    expect(err.details).toMatchObject({
      provider: 'anthropic',
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 12_000,
      httpStatus: 429,
    });
    expect((await h.requests('anthropic')).length).toBe(before + 1);
    await h.control('DELETE', '/_sandbox/faults');
  });

  it('429 without retry-after (a spend cap) is permanent', async () => {
    await h.fault({ provider: 'anthropic', status: 429, headers: { 'retry-after': null } });
    expect((await upstreamFailure(claude.classify(message('hi')))).details).toMatchObject({
      code: 'quota_exhausted',
      retryable: false,
      httpStatus: 429,
    });
  });

  it.each([
    [529, 'overloaded', true],
    [500, 'server_error', true],
    [503, 'server_error', true],
    [400, 'invalid_request', false],
    [401, 'auth_failed', false],
    [403, 'permission_denied', false],
    [404, 'not_found', false],
    [413, 'request_too_large', false],
  ])('HTTP %i → %s (retryable %s)', async (status, code, retryable) => {
    await h.fault({ provider: 'anthropic', status });
    expect((await upstreamFailure(claude.classify(message('hi')))).details).toMatchObject({
      code,
      retryable,
      httpStatus: status,
    });
  });

  it('a hang is a retryable timeout; a reset a retryable connection failure', async () => {
    const quick = createClaude(h.config, { timeoutMs: 300 });
    await h.fault({ provider: 'anthropic', status: 0, delayMs: 1500 });
    expect((await upstreamFailure(quick.classify(message('hi')))).details).toMatchObject({
      code: 'timeout',
      retryable: true,
    });
    await h.fault({ provider: 'anthropic', status: 0, delayMs: 10 });
    expect((await upstreamFailure(claude.classify(message('hi')))).details).toMatchObject({ retryable: true });
  });

  it('an answer without the forced tool call is malformed_response (retryable)', async () => {
    await h.fault({
      provider: 'anthropic',
      status: 200,
      body: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'x',
        content: [{ type: 'text', text: 'I would rather not.' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      },
    });
    expect((await upstreamFailure(claude.classify(message('hi')))).details).toMatchObject({
      code: 'malformed_response',
      retryable: true,
    });
  });
});
