// OpenAI Chat Completions (POST /openai/v1/chat/completions): validates a request the way the API
// does and answers deterministically in its format, with tool calls for the reply agent's tools
// (the same rules as the Anthropic stand-in), so the fallback path runs through the official SDK.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody, str } from '../body';
import type { Sandbox } from '../context';
import { openaiError } from '../provider-errors';
import { agentAnswer, SANDBOX_AGENT_TOOLS } from './agent-answers';
import { draftText } from './anthropic-answers';

interface ChatMessage {
  role?: unknown;
  content?: unknown;
  tool_calls?: { id?: unknown; function?: { name?: unknown } }[];
  tool_call_id?: unknown;
}

export function openaiRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/openai/v1' });

  router.post('/chat/completions', async (ctx) => {
    if (!/^Bearer \S+/.test(ctx.get('Authorization'))) return fail(ctx, 401, 'You did not provide an API key.');
    const body = await jsonBody(ctx);
    const model = str(body.model);
    const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
    if (!model) return fail(ctx, 400, "Missing required parameter: 'model'.");
    if (messages.length === 0) return fail(ctx, 400, "Missing required parameter: 'messages'.");
    if (body.stream === true) return fail(ctx, 400, 'stream: the sandbox does not stream');

    const system = messages
      .filter((m) => m.role === 'system' || m.role === 'developer')
      .map((m) => textOf(m.content))
      .join('\n');
    const userText = messages
      .filter((m) => m.role === 'user')
      .map((m) => textOf(m.content))
      .join('\n\n');
    const tools = Array.isArray(body.tools)
      ? (body.tools as { function?: { name?: unknown } }[]).map((t) => str(t.function?.name) ?? '')
      : [];
    const agentTools = tools.filter((n) => SANDBOX_AGENT_TOOLS.includes(n));

    const names = new Map<string, string>();
    const results: { name: string; output: string }[] = [];
    for (const m of messages) {
      for (const call of m.tool_calls ?? [])
        if (typeof call.id === 'string') names.set(call.id, str(call.function?.name) ?? '');
      if (m.role === 'tool' && typeof m.tool_call_id === 'string')
        results.push({ name: names.get(m.tool_call_id) ?? '', output: textOf(m.content) });
    }

    let message: Record<string, unknown>;
    let finishReason: string;
    const answer =
      agentTools.length > 0
        ? agentAnswer({ system, userText, tools: agentTools, results, final: body.tool_choice === 'none' })
        : { kind: 'text' as const, text: draftText({ conversation: userText, system }) };
    if (answer.kind === 'tool') {
      message = {
        role: 'assistant',
        content: null,
        refusal: null,
        tool_calls: [
          {
            id: `call_${randomBytes(12).toString('hex')}`,
            type: 'function',
            function: { name: answer.name, arguments: JSON.stringify(answer.input) },
          },
        ],
      };
      finishReason = 'tool_calls';
    } else {
      message = { role: 'assistant', content: answer.text, refusal: null };
      finishReason = 'stop';
    }
    const outputText = JSON.stringify(message);
    sb.records.sent('openai', {
      model,
      system,
      prompt: userText,
      tools,
      toolChoice: body.tool_choice ?? null,
      message,
    });
    ctx.set('x-request-id', `req_${randomBytes(12).toString('hex')}`);
    ctx.body = {
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
      usage: {
        prompt_tokens: Math.ceil((system.length + userText.length) / 4),
        completion_tokens: Math.ceil(outputText.length / 4),
        total_tokens: Math.ceil((system.length + userText.length + outputText.length) / 4),
      },
    };
  });

  return router;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: unknown; text?: unknown }) =>
      part.type === 'text' && typeof part.text === 'string' ? part.text : '',
    )
    .filter(Boolean)
    .join('\n');
}

function fail(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.body = openaiError(status, message);
}
