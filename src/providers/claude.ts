// Claude for two jobs: classifying an inbound message (safe or not, and why) and drafting a
// reply. Both force a tool call, so the answer arrives as JSON in the tool's input schema and is
// validated here instead of being parsed out of prose.
import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { Config } from '../config';
import { UpstreamError } from '../errors';
import { classifyAnthropicError } from './errors/anthropic';
import { requireIntegration } from './integration';
import { SANDBOX_CREDENTIALS } from './sandbox-credentials';

export const DEFAULT_CLAUDE_TIMEOUT_MS = 60_000;

export const UNSAFE_CATEGORIES = ['threat', 'harassment', 'self-harm', 'fraud', 'phishing', 'legal', 'abuse'] as const;
export type UnsafeCategory = (typeof UNSAFE_CATEGORIES)[number];

export const CLASSIFY_TOOL = 'classify_message';
export const DRAFT_TOOL = 'draft_reply';

const classificationSchema = z.object({
  safe: z.boolean(),
  category: z.enum(UNSAFE_CATEGORIES).nullable(),
  severity: z.enum(['none', 'low', 'medium', 'high']),
  reason: z.string().min(1),
});
export type Classification = z.infer<typeof classificationSchema>;

const draftSchema = z.object({ body: z.string().min(1) });

export interface InboundMessage {
  from: string;
  subject: string;
  text: string;
}

export interface Claude {
  classify(message: InboundMessage): Promise<Classification>;
  draftReply(input: {
    businessName: string;
    customerName?: string;
    /** The conversation so far, oldest first; the last entry is the one to answer. */
    thread: { from: string; text: string }[];
    subject: string;
    /** Facts the reply may use (opening hours, prices, free slots). */
    context?: string;
  }): Promise<{ body: string }>;
}

export interface ClaudeOptions {
  timeoutMs?: number;
}

const CLASSIFY_SYSTEM = `You screen email sent to a small service business (a salon, clinic or studio).
Decide whether the message is safe for staff to handle normally. Mark it unsafe when it contains a
threat of violence, harassment or abuse of staff, talk of self-harm, fraud or a payment scam,
phishing (credential or link bait), or a legal demand. Report through the ${CLASSIFY_TOOL} tool.`;

const DRAFT_SYSTEM = `You write short, warm, professional email replies on behalf of a small service
business. Answer the customer's last message using only the facts given; never invent prices,
times or policies; offer to help further. Return the reply body through the ${DRAFT_TOOL} tool.`;

export function createClaude(config: Config, options: ClaudeOptions = {}): Claude {
  const mode = requireIntegration(config, 'anthropic');
  const client = new Anthropic({
    apiKey: config.anthropic.apiKey ?? SANDBOX_CREDENTIALS.anthropicApiKey,
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_CLAUDE_TIMEOUT_MS,
    ...(mode === 'sandbox' ? { baseURL: `${config.sandbox.url}/anthropic` } : {}),
  });
  const model = config.anthropic.model;

  async function useTool<T>(
    operation: string,
    request: Omit<Anthropic.MessageCreateParamsNonStreaming, 'model'>,
    tool: string,
    schema: z.ZodType<T>,
  ): Promise<T> {
    let message: Anthropic.Message;
    try {
      message = await client.messages.create({ ...request, model, tool_choice: { type: 'tool', name: tool } });
    } catch (err) {
      throw classifyAnthropicError({ operation }, err);
    }
    const block = message.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use' && b.name === tool);
    const parsed = schema.safeParse(block?.input);
    if (!parsed.success) {
      // The model strayed from the schema; another attempt usually does not.
      throw new UpstreamError(
        `anthropic ${operation} answered without a valid ${tool} call (stop_reason ${message.stop_reason})`,
        {
          provider: 'anthropic',
          code: 'malformed_response',
          retryable: true,
        },
      );
    }
    return parsed.data;
  }

  return {
    classify(message) {
      return useTool(
        'messages.create (classify)',
        {
          max_tokens: 512,
          system: CLASSIFY_SYSTEM,
          tools: [
            {
              name: CLASSIFY_TOOL,
              description:
                'Report whether the message is safe, and if not its category, severity and a one-sentence reason.',
              input_schema: {
                type: 'object',
                properties: {
                  safe: { type: 'boolean' },
                  category: {
                    type: ['string', 'null'],
                    enum: [...UNSAFE_CATEGORIES, null],
                    description: 'null when safe',
                  },
                  severity: { type: 'string', enum: ['none', 'low', 'medium', 'high'], description: 'none when safe' },
                  reason: { type: 'string' },
                },
                required: ['safe', 'category', 'severity', 'reason'],
              },
            },
          ],
          messages: [
            { role: 'user', content: `From: ${message.from}\nSubject: ${message.subject}\n\n${message.text}` },
          ],
        },
        CLASSIFY_TOOL,
        classificationSchema,
      );
    },

    draftReply({ businessName, customerName, thread, subject, context }) {
      const conversation = thread.map((m) => `From: ${m.from}\n${m.text}`).join('\n\n---\n\n');
      return useTool(
        'messages.create (draft)',
        {
          max_tokens: 1024,
          system: `${DRAFT_SYSTEM}\nBusiness: ${businessName}.${context ? `\nFacts: ${context}` : ''}`,
          tools: [
            {
              name: DRAFT_TOOL,
              description: 'The reply body, plain text, signed with the business name.',
              input_schema: { type: 'object', properties: { body: { type: 'string' } }, required: ['body'] },
            },
          ],
          messages: [
            {
              role: 'user',
              content: `Subject: ${subject}\nCustomer: ${customerName ?? 'unknown'}\n\n${conversation}`,
            },
          ],
        },
        DRAFT_TOOL,
        draftSchema,
      );
    },
  };
}
