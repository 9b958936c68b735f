import type { StoredMessage } from '../../../db/messages';
import type { Thread } from '../../../db/threads';
import { idParams, instant } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';

export { idParams };

export const listThreadsQuery = pageQuery.extend({
  unsafe: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({
      type: 'string',
      enum: ['true', 'false'],
      description: 'Only threads the guardian flagged unsafe (true) or not (false)',
    }),
  clientId: z.guid().optional().openapi({ description: "Only this client's threads" }),
});

export const threadSchema = z
  .object({
    id: z.guid(),
    gmailThreadId: z.string(),
    subject: z.string(),
    clientId: z.guid().nullable(),
    messageCount: z.number().int(),
    lastMessageAt: instant,
    lastFrom: z.string().nullable(),
    snippet: z.string(),
    unsafe: z.boolean().openapi({ description: 'Flagged by the guardian' }),
    autoReplyPaused: z.boolean().openapi({ description: 'No automatic reply goes out on this thread' }),
    createdAt: instant,
  })
  .openapi('Thread');

export const threadPage = pageOf(threadSchema).openapi('ThreadPage');

export const threadMessageSchema = z
  .object({
    id: z.guid(),
    gmailMessageId: z.string(),
    messageId: z
      .string()
      .nullable()
      .openapi({ description: 'The RFC 5322 Message-ID: what a reply names in inReplyTo' }),
    inReplyTo: z.string().nullable(),
    references: z.string().nullable(),
    from: z.string(),
    fromEmail: z.string().nullable(),
    fromName: z.string().nullable(),
    to: z.string(),
    cc: z.string().nullable(),
    subject: z.string(),
    date: instant.openapi({ description: "The sender's Date header, or when Gmail received it when that is missing" }),
    receivedAt: instant,
    snippet: z.string(),
    text: z.string().nullable().openapi({ description: 'The plain-text body (HTML-only mail turned into text)' }),
    labels: z.array(z.string()),
    clientId: z.guid().nullable(),
  })
  .openapi('ThreadMessage');

export const threadWithMessages = threadSchema
  .extend({ messages: z.array(threadMessageSchema) })
  .openapi('ThreadWithMessages');

export function presentThread(t: Thread): z.infer<typeof threadSchema> {
  return {
    id: t.id,
    gmailThreadId: t.gmailThreadId,
    subject: t.subject,
    clientId: t.clientId,
    messageCount: t.messageCount,
    lastMessageAt: t.lastMessageAt.toISOString(),
    lastFrom: t.lastFrom,
    snippet: t.lastSnippet,
    unsafe: t.unsafe,
    autoReplyPaused: t.autoReplyPaused,
    createdAt: t.createdAt.toISOString(),
  };
}

export function presentThreadMessage(m: StoredMessage): z.infer<typeof threadMessageSchema> {
  return {
    id: m.id,
    gmailMessageId: m.gmailMessageId,
    messageId: m.rfcMessageId,
    inReplyTo: m.inReplyTo,
    references: m.references,
    from: m.fromHeader,
    fromEmail: m.fromEmail,
    fromName: m.fromName,
    to: m.toHeader,
    cc: m.ccHeader,
    subject: m.subject,
    date: (m.sentAt ?? m.receivedAt).toISOString(),
    receivedAt: m.receivedAt.toISOString(),
    snippet: m.snippet,
    text: m.bodyText,
    labels: m.labelIds,
    clientId: m.clientId,
  };
}
