// Anthropic Messages API (POST /anthropic/v1/messages): validates a request the way the API does
// and answers deterministically in its format, calling the forced tool when one is named
// (classify_message, draft_reply) and answering in text otherwise.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody, str } from '../body';
import type { Sandbox } from '../context';
import { anthropicError } from '../provider-errors';
import { agentAnswer, SANDBOX_AGENT_TOOLS } from './agent-answers';
import { classifyText, draftText } from './anthropic-answers';

interface ToolDef {
  name: string;
  input_schema?: unknown;
}

export function anthropicRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/anthropic/v1' });

  router.post('/messages', async (ctx) => {
    // API keys arrive as x-api-key; this SDK generation sends them as a bearer token.
    if (!ctx.get('x-api-key') && !/^Bearer \S+/.test(ctx.get('Authorization')))
      return fail(ctx, 401, 'x-api-key header is required');
    if (!ctx.get('anthropic-version')) return fail(ctx, 400, 'anthropic-version: header is required');
    const body = await jsonBody(ctx);
    const model = str(body.model);
    const maxTokens = body.max_tokens;
    const messages = Array.isArray(body.messages) ? (body.messages as { role?: unknown; content?: unknown }[]) : [];
    if (!model) return fail(ctx, 400, 'model: Field required');
    if (typeof maxTokens !== 'number' || maxTokens < 1) return fail(ctx, 400, 'max_tokens: Field required');
    if (messages.length === 0) return fail(ctx, 400, 'messages: at least one message is required');
    if (body.stream === true) return fail(ctx, 400, 'stream: the sandbox does not stream');

    const system = typeof body.system === 'string' ? body.system : textOf(body.system);
    const userText = messages
      .filter((m) => m.role === 'user')
      .map((m) => textOf(m.content))
      .join('\n\n');
    const tools = Array.isArray(body.tools) ? (body.tools as ToolDef[]) : [];
    const choice = body.tool_choice as { type?: string; name?: string } | undefined;
    const tool =
      choice?.type === 'tool'
        ? tools.find((t) => t.name === choice.name)
        : choice?.type === 'any' && tools.length === 1
          ? tools[0]
          : undefined;
    if (choice?.type === 'tool' && !tool)
      return fail(ctx, 400, `tool_choice: tool '${choice.name}' not found in tools`);

    let content: Record<string, unknown>[];
    let stopReason: string;
    const agentTools = tools.map((t) => t.name).filter((n) => SANDBOX_AGENT_TOOLS.includes(n));
    if (!tool && agentTools.length > 0) {
      // The reply agent's loop: a tool call first when the message asks for one, then text.
      const answer = agentAnswer({
        system,
        userText,
        tools: agentTools,
        results: toolResults(messages),
        final: choice?.type === 'none',
      });
      if (answer.kind === 'tool') {
        content = [
          {
            type: 'tool_use',
            id: `toolu_${randomBytes(12).toString('hex')}`,
            name: answer.name,
            input: answer.input,
            caller: { type: 'direct' },
          },
        ];
        stopReason = 'tool_use';
      } else {
        content = [{ type: 'text', text: answer.text, citations: null }];
        stopReason = 'end_turn';
      }
    } else if (tool) {
      content = [
        {
          type: 'tool_use',
          id: `toolu_${randomBytes(12).toString('hex')}`,
          name: tool.name,
          input: toolInput(tool.name, userText, system),
          caller: { type: 'direct' },
        },
      ];
      stopReason = 'tool_use';
    } else {
      content = [{ type: 'text', text: draftText({ conversation: userText, system }), citations: null }];
      stopReason = 'end_turn';
    }
    const outputText = JSON.stringify(content);
    const response = {
      id: `msg_${randomBytes(12).toString('hex')}`,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      container: null,
      diagnostics: null,
      stop_details: null,
      usage: {
        input_tokens: Math.ceil((system.length + userText.length) / 4),
        output_tokens: Math.ceil(outputText.length / 4),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: null,
        inference_geo: null,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: 'standard',
        speed: null,
      },
    };
    sb.records.sent('anthropic', {
      model,
      system,
      prompt: userText,
      tools: tools.map((t) => t.name),
      toolChoice: choice?.name ?? choice?.type ?? null,
      content,
      // Where the caller ended its cached prefix (prompt caching), so tests can see it.
      cacheControl: {
        system: Array.isArray(body.system)
          ? (body.system as { cache_control?: { type?: string } }[]).map((b) => b.cache_control?.type ?? null)
          : null,
        lastTool:
          (tools[tools.length - 1] as { cache_control?: { type?: string } } | undefined)?.cache_control?.type ?? null,
      },
    });
    ctx.set('request-id', `req_${randomBytes(12).toString('hex')}`);
    ctx.body = response;
  });

  return router;
}

function toolInput(name: string, userText: string, system: string): Record<string, unknown> {
  if (name === 'classify_message') return { ...classifyText(userText) };
  if (name === 'draft_reply') return { body: draftText({ conversation: userText, system }) };
  // An unknown tool gets an empty call: the caller's schema check decides what that means.
  return {};
}

/** The tool results sent back so far, each with the name of the call it answers. */
function toolResults(messages: { role?: unknown; content?: unknown }[]): { name: string; output: string }[] {
  const names = new Map<string, string>();
  const results: { name: string; output: string }[] = [];
  for (const m of messages) {
    if (!Array.isArray(m.content)) continue;
    for (const block of m.content as {
      type?: unknown;
      id?: unknown;
      name?: unknown;
      tool_use_id?: unknown;
      content?: unknown;
    }[]) {
      if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string')
        names.set(block.id, block.name);
      if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
        results.push({
          name: names.get(block.tool_use_id) ?? '',
          output: typeof block.content === 'string' ? block.content : textOf(block.content),
        });
      }
    }
  }
  return results;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: { type?: unknown; text?: unknown }) =>
      block.type === 'text' && typeof block.text === 'string' ? block.text : '',
    )
    .filter(Boolean)
    .join('\n');
}

function fail(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.body = anthropicError(status, message);
}
