// The reply agent's model steps through the official SDKs over HTTP to the sandbox: Claude and
// OpenAI answer the same tool loop in the same shape, the stable prefix is marked for Anthropic's
// cache, and both providers' failures are classified (529, 5xx and timeouts fall back; a bad key
// or a spent quota does not).
import { AGENT_TOOL_DEFINITIONS } from '../../src/activities/agents';
import type { AgentTurn } from '../../src/domain/agent';
import { createClaudeAgent, createOpenAIAgent, isFallbackWorthy, type AgentModel } from '../../src/providers/agent-llm';
import { type SandboxHarness, startTestSandbox, upstreamFailure } from '../helpers/sandbox';

let h: SandboxHarness;
let claude: AgentModel;
let openai: AgentModel;

beforeAll(async () => {
  h = await startTestSandbox();
  claude = createClaudeAgent(h.config, { timeoutMs: 2_000 });
  openai = createOpenAIAgent(h.config, { timeoutMs: 2_000 }) as AgentModel;
});
afterAll(() => h.close());

const system = 'You draft replies.\n\nBusiness: Studio North.\nSignature: Anna';
const ask: AgentTurn = {
  role: 'user',
  text: 'Subject: Bill\nCustomer: Ada\n\n--- message to answer ---\nFrom: ada@client.example\nHow do I pay my invoice?',
};
const request = (turns: AgentTurn[], final = false) => ({
  system,
  context: 'A known client: Ada.',
  tools: AGENT_TOOL_DEFINITIONS,
  turns,
  final,
});

describe.each([
  ['anthropic', () => claude],
  ['openai', () => openai],
])('%s', (provider, model) => {
  it('calls the tool the message points at, then writes the reply from its answer', async () => {
    const first = await model().step(request([ask]));
    expect(first).toMatchObject({ provider, toolCalls: [{ name: 'list_open_invoices', input: {} }] });
    expect(first.inputTokens).toBeGreaterThan(0);
    const call = first.toolCalls[0]!;
    const output = JSON.stringify({
      items: [{ description: 'Cut', amount: '$40.00', paymentUrl: 'https://pay.example/inv-1' }],
    });
    const second = await model().step(
      request([
        ask,
        { role: 'assistant', text: first.text, toolCalls: first.toolCalls },
        { role: 'tool', results: [{ id: call.id, name: call.name, output }] },
      ]),
    );
    expect(second.toolCalls).toEqual([]);
    expect(second.text).toContain('https://pay.example/inv-1');
    expect(second.text).toContain('Anna');
  });

  it('answers in text only on the final step', async () => {
    const step = await model().step(request([ask], true));
    expect(step.toolCalls).toEqual([]);
    expect(step.text.length).toBeGreaterThan(0);
  });

  // OpenAI has no 529 of its own: any 5xx of it is a server_error.
  it.each([
    [529, provider === 'anthropic' ? 'overloaded' : 'server_error', true],
    [503, 'server_error', true],
    [401, 'auth_failed', false],
  ])('classifies HTTP %i as %s (fallback: %s)', async (status, code, fallback) => {
    await h.fault({ provider, status, count: 1 });
    const err = await upstreamFailure(model().step(request([ask])));
    expect(err).toMatchObject({ code, retryable: status >= 500 });
    expect(isFallbackWorthy(err)).toBe(fallback);
  });

  it('a hang is a retryable timeout that falls back', async () => {
    await h.fault({ provider, status: 0, delayMs: 10_000, count: 1 });
    const err = await upstreamFailure(model().step(request([ask])));
    expect(err.retryable).toBe(true);
    expect(isFallbackWorthy(err)).toBe(true);
    await h.release();
  });
});

it('marks the instructions, profile and tool definitions for the prompt cache', async () => {
  await claude.step(request([ask]));
  const [last] = (await h.sent('anthropic')).slice(-1);
  expect(last.system).toContain('Business: Studio North.');
  expect(last.tools).toEqual(['find_free_slots', 'list_upcoming_bookings', 'list_open_invoices']);
  expect(last.cacheControl).toEqual({ system: ['ephemeral', null], lastTool: 'ephemeral' });
  expect(last.system.indexOf('A known client: Ada.')).toBeGreaterThan(last.system.indexOf('Signature: Anna'));
});

it('OpenAI is not configured without a key outside sandbox mode', () => {
  expect(
    createOpenAIAgent(
      { ...h.config, openai: { apiKey: undefined, model: 'gpt-5-mini', mode: 'unconfigured' } },
      { timeoutMs: 1_000 },
    ),
  ).toBeNull();
});
