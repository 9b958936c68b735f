import type { SmsMessage } from '../../../db/sms-messages';
import { SMS_STATUSES } from '../../../domain/sms';
import { textablePhoneField } from '../../fields/phone';
import { instant, idParams } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';

export { idParams };

export const sendSmsBody = z
  .object({
    clientId: z.guid().optional().openapi({ description: "A client who consented to SMS: sent to the client's phone" }),
    to: textablePhoneField.optional().openapi({
      description: 'A phone number instead of a client; refused (409) when it is a client who has not consented',
    }),
    // 1600 characters is Twilio's limit for one message (it splits it into segments).
    body: z
      .string()
      .trim()
      .min(1)
      .max(1600)
      .openapi({ example: 'Your appointment is confirmed for Tuesday at 10:00.' }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.clientId === undefined && b.to === undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'either clientId or to is required' });
    }
    if (b.clientId !== undefined && b.to !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'give either clientId or to, not both' });
    }
  })
  .openapi('SendSms', { example: { to: '+15551234567', body: 'Your appointment is confirmed for Tuesday at 10:00.' } });

export const smsAccepted = z
  .object({ id: z.guid(), status: z.literal('queued'), workflowId: z.string() })
  .openapi('SmsAccepted');

export const smsSchema = z
  .object({
    id: z.guid(),
    direction: z.enum(['outbound', 'inbound']),
    status: z.enum(SMS_STATUSES),
    clientId: z.guid().nullable(),
    to: z.string(),
    from: z.string().nullable(),
    body: z.string(),
    keyword: z
      .enum(['stop', 'start', 'help'])
      .nullable()
      .openapi({ description: 'The consent keyword an inbound text carried' }),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    twilioSid: z.string().nullable(),
    workflowId: z.string().nullable(),
    sentAt: instant.nullable(),
    deliveredAt: instant.nullable(),
    createdAt: instant,
  })
  .openapi('Sms');

export const listSmsQuery = pageQuery.extend({
  status: z.enum(SMS_STATUSES).optional(),
  direction: z.enum(['outbound', 'inbound']).optional(),
  clientId: z.guid().optional(),
});
export const smsPage = pageOf(smsSchema).openapi('SmsPage');

export function presentSms(s: SmsMessage): z.infer<typeof smsSchema> {
  return {
    id: s.id,
    direction: s.direction,
    status: s.status,
    clientId: s.clientId,
    to: s.to,
    from: s.from,
    body: s.body,
    keyword: s.keyword,
    attempts: s.attempts,
    lastError: s.lastError,
    twilioSid: s.twilioSid,
    workflowId: s.workflowId,
    sentAt: s.sentAt?.toISOString() ?? null,
    deliveredAt: s.deliveredAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}

/** The fields of Twilio's webhooks we read (Twilio sends many more; they are ignored). */
export const inboundSmsForm = z.object({
  MessageSid: z.string().min(1),
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().default(''),
});

export const statusCallbackForm = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  To: z.string().optional(),
  ErrorCode: z.string().optional(),
});

/** The ids our callback URLs carry (see smsStatusCallbackUrl); absent on a bare URL. */
export const statusCallbackQuery = z.object({
  tenantId: z.guid().optional(),
  smsId: z.guid().optional(),
  invoiceId: z.guid().optional(),
  step: z.coerce.number().int().optional(),
});
