// The reply agent's model calls: one step of its tool loop, in one shape whichever provider
// answers. Claude first; when Claude is overloaded (529), fails with a 5xx or times out, the same
// step goes to OpenAI (official SDK) if it is configured, with the same tools. The stable prefix
// (instructions, business profile, tool definitions) is marked for Anthropic's prompt cache;
// OpenAI caches a repeated prefix by itself.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Config } from '../config';
import type { AgentStep, AgentToolCall, AgentTurn } from '../domain/agent';
import { UpstreamError } from '../errors';
import { classifyAnthropicError } from './errors/anthropic';
import { classifyOpenAIError } from './errors/openai';
import { requireIntegration } from './integration';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials';

export interface AgentToolDefinition {
  name: string;
  description: string;
  parameters: { type: 'object'; properties: Record<string, unknown>; required?: string[] };
}

export interface AgentStepRequest {
  /** Stable per tenant: instructions and the business profile (cached). */
  system: string;
  /** This thread's facts: changes per call, after the cached prefix. */
  context: string;
  tools: readonly AgentToolDefinition[];
  turns: readonly AgentTurn[];
  /** The last step: text only, no more tools. */
  final: boolean;
}

export interface AgentModel {
  step(request: AgentStepRequest): Promise<Omit<AgentStep, 'fallback'>>;
}

/** Errors on which the same call goes to the second provider: Claude is down, not refusing us. */
export function isFallbackWorthy(err: unknown): boolean {
  if (!(err instanceof UpstreamError) || !err.retryable) return false;
  return err.code !== 'rate_limited';
}

export function createClaudeAgent(config: Config, options: { timeoutMs: number }): AgentModel {
  const mode = requireIntegration(config, 'anthropic');
  const client = new Anthropic({
    apiKey: config.anthropic.apiKey ?? SANDBOX_CREDENTIALS.anthropicApiKey,
    maxRetries: 0,
    timeout: options.timeoutMs,
    ...(mode === 'sandbox' ? { baseURL: `${config.sandbox.url}/anthropic` } : {}),
  });
  const model = config.anthropic.model;
  return {
    async step(request) {
      const tools: Anthropic.Tool[] = request.tools.map((t, i) => ({
        name: t.name,
        description: t.description,
        input_schema: t.parameters,
        // The last tool definition closes the cached prefix (tools come before system).
        ...(i === request.tools.length - 1 ? { cache_control: { type: 'ephemeral' as const } } : {}),
      }));
      let message: Anthropic.Message;
      try {
        message = await client.messages.create({
          model,
          max_tokens: 1024,
          system: [
            { type: 'text', text: request.system, cache_control: { type: 'ephemeral' } },
            { type: 'text', text: request.context },
          ],
          tools,
          tool_choice: request.final ? { type: 'none' } : { type: 'auto' },
          messages: toAnthropicMessages(request.turns),
        });
      } catch (err) {
        throw classifyAnthropicError({ operation: 'messages.create (agent)' }, err);
      }
      const text = message.content
        .flatMap((b) => (b.type === 'text' ? [b.text] : []))
        .join('\n')
        .trim();
      const toolCalls: AgentToolCall[] = message.content.flatMap((b) =>
        b.type === 'tool_use' ? [{ id: b.id, name: b.name, input: (b.input ?? {}) as Record<string, unknown> }] : [],
      );
      return {
        provider: 'anthropic',
        model: message.model,
        text,
        toolCalls,
        inputTokens:
          message.usage.input_tokens +
          (message.usage.cache_read_input_tokens ?? 0) +
          (message.usage.cache_creation_input_tokens ?? 0),
        outputTokens: message.usage.output_tokens,
      };
    },
  };
}

function toAnthropicMessages(turns: readonly AgentTurn[]): Anthropic.MessageParam[] {
  return turns.map((turn): Anthropic.MessageParam => {
    if (turn.role === 'user') return { role: 'user', content: turn.text };
    if (turn.role === 'assistant') {
      return {
        role: 'assistant',
        content: [
          ...(turn.text ? [{ type: 'text' as const, text: turn.text }] : []),
          ...turn.toolCalls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: c.input })),
        ],
      };
    }
    return {
      role: 'user',
      content: turn.results.map((r) => ({ type: 'tool_result' as const, tool_use_id: r.id, content: r.output })),
    };
  });
}

/** Null when OpenAI is not configured (no OPENAI_API_KEY outside sandbox mode): Temporal retries Claude then. */
export function createOpenAIAgent(config: Config, options: { timeoutMs: number }): AgentModel | null {
  if (config.openai.mode === 'unconfigured') return null;
  const client = new OpenAI({
    apiKey: config.openai.apiKey ?? SANDBOX_CREDENTIALS.openaiApiKey,
    maxRetries: 0,
    timeout: options.timeoutMs,
    ...(config.openai.mode === 'sandbox' ? { baseURL: `${config.sandbox.url}/openai/v1` } : {}),
  });
  const model = config.openai.model;
  return {
    async step(request) {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create({
          model,
          max_completion_tokens: 1024,
          messages: [
            { role: 'system', content: `${request.system}\n\n${request.context}` },
            ...toOpenAIMessages(request.turns),
          ],
          tools: request.tools.map((t) => ({
            type: 'function' as const,
            function: { name: t.name, description: t.description, parameters: t.parameters },
          })),
          tool_choice: request.final ? 'none' : 'auto',
        });
      } catch (err) {
        throw classifyOpenAIError({ operation: 'chat.completions.create (agent)' }, err);
      }
      const choice = completion.choices[0];
      if (!choice) {
        throw new UpstreamError('openai chat.completions.create (agent) answered without a choice', {
          provider: 'openai',
          code: 'malformed_response',
          retryable: true,
        });
      }
      const toolCalls: AgentToolCall[] = (choice.message.tool_calls ?? []).flatMap((c) =>
        c.type === 'function' ? [{ id: c.id, name: c.function.name, input: parseArguments(c.function.arguments) }] : [],
      );
      return {
        provider: 'openai',
        model: completion.model,
        text: (choice.message.content ?? '').trim(),
        toolCalls,
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      };
    },
  };
}

function toOpenAIMessages(turns: readonly AgentTurn[]): OpenAI.Chat.Completions.ChatCompletionMessageParam[] {
  return turns.flatMap((turn): OpenAI.Chat.Completions.ChatCompletionMessageParam[] => {
    if (turn.role === 'user') return [{ role: 'user', content: turn.text }];
    if (turn.role === 'assistant') {
      return [
        {
          role: 'assistant',
          content: turn.text || null,
          ...(turn.toolCalls.length > 0
            ? {
                tool_calls: turn.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function' as const,
                  function: { name: c.name, arguments: JSON.stringify(c.input) },
                })),
              }
            : {}),
        },
      ];
    }
    return turn.results.map((r) => ({ role: 'tool' as const, tool_call_id: r.id, content: r.output }));
  });
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
