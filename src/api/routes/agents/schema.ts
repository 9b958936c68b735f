import type { AgentSettings } from '../../../db/agent-settings';
import type { Draft } from '../../../db/agent-drafts';
import type { StoredMessage } from '../../../db/messages';
import { DRAFT_STATUSES, LLM_PROVIDERS } from '../../../domain/agent';
import { idParams, instant } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';

export { idParams };

const text = (max: number) => z.string().max(max);

export const businessProfileSchema = z
  .object({
    description: text(4000).default('').openapi({ description: 'What the business is and does' }),
    services: text(4000).default('').openapi({ description: 'Services and prices, as the business words them' }),
    hours: text(2000)
      .default('')
      .openapi({ description: 'Opening hours in words (the bookable hours are PUT /api/business-hours)' }),
    policies: text(4000).default('').openapi({ description: 'Cancellation, payment and other policies' }),
    faq: z
      .array(z.object({ q: text(1000).min(1), a: text(4000).min(1) }).strict())
      .max(50)
      .default([]),
    signature: text(500).default('').openapi({ description: 'How replies are signed' }),
  })
  .strict()
  .openapi('AgentBusinessProfile');

export const agentSettingsSchema = z
  .object({
    enabled: z.boolean().openapi({ description: 'Whether new client mail gets a reply draft' }),
    autoSend: z.enum(['off', 'safe_only']).openapi({
      description:
        'safe_only: a draft goes out without a person when the guardian screened the message safe and no tool answered with a time or an amount',
    }),
    draftTtlHours: z
      .number()
      .int()
      .min(1)
      .max(720)
      .openapi({ description: 'A pending draft expires after this many hours' }),
    businessProfile: businessProfileSchema,
  })
  .openapi('AgentSettings');

export const putAgentSettingsBody = z
  .object({
    enabled: z.boolean(),
    autoSend: z.enum(['off', 'safe_only']),
    draftTtlHours: z.number().int().min(1).max(720),
    businessProfile: businessProfileSchema,
  })
  .strict()
  .openapi('PutAgentSettings', {
    example: {
      enabled: true,
      autoSend: 'off',
      draftTtlHours: 48,
      businessProfile: {
        description: 'A hair salon in Leeds',
        services: 'Cut 45 min £40',
        hours: 'Mon-Fri 9-17',
        policies: '24 h cancellation',
        faq: [{ q: 'Parking?', a: 'Free at the back' }],
        signature: 'Anna at Studio North',
      },
    },
  });

export const llmSchema = z.object({
  provider: z.enum(LLM_PROVIDERS),
  model: z.string(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
});

export const draftSchema = z
  .object({
    id: z.guid(),
    threadId: z.guid(),
    clientId: z.guid().nullable().openapi({ description: 'Null for a prospect' }),
    status: z.enum(DRAFT_STATUSES),
    text: z.string(),
    createdAt: instant,
    expiresAt: instant,
    emailId: z.guid().nullable().openapi({ description: 'The reply sent (GET /api/emails/{id}) once approved' }),
    llm: llmSchema.openapi({
      description: 'The model that wrote the draft (the last step; openai when Claude was down)',
    }),
  })
  .openapi('AgentDraft');

export const draftPage = pageOf(draftSchema).openapi('AgentDraftPage');

export const draftDetailSchema = draftSchema
  .extend({
    toolCalls: z.array(z.object({ name: z.string(), input: z.record(z.string(), z.unknown()), output: z.unknown() })),
    message: z
      .object({ id: z.guid(), from: z.string(), subject: z.string(), text: z.string(), receivedAt: instant })
      .nullable()
      .openapi({ description: 'The message the draft answers' }),
  })
  .openapi('AgentDraftDetail');

export const listDraftsQuery = pageQuery.extend({
  status: z.enum(DRAFT_STATUSES).optional(),
  threadId: z.guid().optional(),
});

export const approveBody = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .max(20_000)
      .optional()
      .openapi({ description: 'The edited reply; the draft as written when absent' }),
  })
  .strict()
  .openapi('ApproveDraft', {
    example: { text: 'Hi Ada,\n\nTuesday at 10:00 is free; shall we hold it for you?\n\nAnna' },
  });

export const rejectBody = z
  .object({ reason: z.string().trim().min(1).max(2000).optional() })
  .strict()
  .openapi('RejectDraft', { example: { reason: 'I will call her instead' } });

export const approvedSchema = z
  .object({ id: z.guid(), status: z.literal('sent'), emailId: z.guid() })
  .openapi('ApprovedDraft');
export const rejectedSchema = z.object({ id: z.guid(), status: z.literal('rejected') }).openapi('RejectedDraft');

export const threadParams = z.object({ threadId: z.guid().openapi({ param: { description: 'The thread (a UUID)' } }) });
export const draftStartedSchema = z.object({ workflowId: z.string() }).openapi('AgentDraftStarted');

export const usageQuery = z.object({
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Start (inclusive); 30 days ago by default' }),
  to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'End (exclusive); now by default' }),
});
export const usageSchema = z
  .object({
    items: z.array(
      z.object({
        provider: z.enum(LLM_PROVIDERS),
        model: z.string(),
        calls: z.number().int().openapi({ description: 'Drafts made' }),
        inputTokens: z.number().int(),
        outputTokens: z.number().int(),
        fallbacks: z.number().int().openapi({ description: 'Drafts OpenAI made because Claude was down' }),
      }),
    ),
  })
  .openapi('AgentUsage');

export function presentSettings(s: AgentSettings): z.infer<typeof agentSettingsSchema> {
  return {
    enabled: s.enabled,
    autoSend: s.autoSend,
    draftTtlHours: s.draftTtlHours,
    businessProfile: s.businessProfile,
  };
}

export function presentDraft(d: Draft): z.infer<typeof draftSchema> {
  return {
    id: d.id,
    threadId: d.threadId,
    clientId: d.clientId,
    status: d.status,
    text: d.text,
    createdAt: new Date(d.createdAt).toISOString(),
    expiresAt: d.expiresAt.toISOString(),
    emailId: d.emailId,
    llm: { provider: d.provider, model: d.model, inputTokens: d.inputTokens, outputTokens: d.outputTokens },
  };
}

export function presentDraftDetail(d: Draft, message: StoredMessage | null): z.infer<typeof draftDetailSchema> {
  return {
    ...presentDraft(d),
    toolCalls: d.toolCalls,
    message: message
      ? {
          id: message.id,
          from: message.fromHeader,
          subject: message.subject,
          text: message.bodyText ?? message.snippet,
          receivedAt: message.receivedAt.toISOString(),
        }
      : null,
  };
}
