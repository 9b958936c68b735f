import type { Email } from '../../../db/emails';
import { EMAIL_STATUSES } from '../../../domain/email';
import { emailAddress } from '../../fields/email';
import { instant, idParams } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';

export { idParams };

/** An RFC 5322 Message-ID as it appears in headers: <local@domain>. */
const messageIdField = z
  .string()
  .trim()
  .max(998)
  .regex(/^<[^<>\s]+@[^<>\s]+>$/, 'must be a Message-ID like <abc@mail.example>');

export const sendEmailBody = z
  .object({
    to: emailAddress.openapi({ example: 'ada@example.com' }),
    subject: z.string().trim().min(1).max(998).openapi({ example: 'Your appointment on Tuesday' }),
    text: z.string().min(1).max(100_000).openapi({ example: 'See you on Tuesday at 10:00.' }),
    html: z.string().min(1).max(500_000).optional(),
    clientId: z.guid().optional(),
    threadId: z.string().trim().min(1).max(200).optional().openapi({ description: 'Gmail thread to reply in' }),
    inReplyTo: messageIdField.optional().openapi({ description: 'Message-ID of the message replied to' }),
  })
  .strict()
  .openapi('SendEmail', {
    example: { to: 'ada@example.com', subject: 'Your appointment on Tuesday', text: 'See you on Tuesday at 10:00.' },
  });

export const emailAccepted = z
  .object({ id: z.guid(), status: z.literal('queued'), workflowId: z.string() })
  .openapi('EmailAccepted');

export const emailSchema = z
  .object({
    id: z.guid(),
    status: z.enum(EMAIL_STATUSES),
    to: z.string(),
    subject: z.string(),
    clientId: z.guid().nullable(),
    threadId: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    gmailMessageId: z.string().nullable(),
    gmailThreadId: z.string().nullable().openapi({ description: 'Pass as threadId to reply in the same Gmail thread' }),
    messageId: z.string().openapi({ description: 'The RFC Message-ID it was sent with (for inReplyTo)' }),
    sentAt: instant.nullable(),
    createdAt: instant,
    workflowId: z.string(),
  })
  .openapi('Email');

export const listEmailsQuery = pageQuery.extend({ status: z.enum(EMAIL_STATUSES).optional() });
export const emailPage = pageOf(emailSchema).openapi('EmailPage');

export const retryFailedResult = z.object({ restarted: z.number().int() }).openapi('RetryFailedEmails');
export const testEmailResult = z.object({ emailId: z.guid(), workflowId: z.string() }).openapi('TestEmail');

export function presentEmail(e: Email): z.infer<typeof emailSchema> {
  return {
    id: e.id,
    status: e.status,
    to: e.to,
    subject: e.subject,
    clientId: e.clientId,
    threadId: e.threadId,
    attempts: e.attempts,
    lastError: e.lastError,
    gmailMessageId: e.gmailMessageId,
    gmailThreadId: e.gmailThreadId,
    messageId: e.messageId,
    sentAt: e.sentAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    workflowId: e.workflowId,
  };
}
