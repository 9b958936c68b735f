import type { Client } from '../../../db/clients';
import { phoneField } from '../../fields/phone';
import { emailAddress } from '../../fields/email';
import { instant, idParams } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';
import { timeZoneField } from '../auth/schema';

export { idParams };

const fields = {
  name: z.string().trim().min(1).max(200).openapi({ example: 'Ada Lovelace' }),
  email: emailAddress.nullable().openapi({ example: 'ada@example.com' }),
  // The field's own type (it transforms) would hide the null from the document otherwise.
  phone: phoneField.nullable().openapi({ type: ['string', 'null'] }),
  timezone: timeZoneField.nullable(),
  notes: z.string().max(10_000).nullable().openapi({ example: 'Prefers morning appointments' }),
  smsConsent: z
    .boolean()
    .openapi({ description: 'Whether the client agreed to receive SMS; stored with when and how' }),
  smsConsentSource: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .openapi({ description: 'How consent was given or withdrawn (default "api")', example: 'paper form at reception' }),
};

function consentSourceNeedsConsent(
  body: { smsConsent?: boolean; smsConsentSource?: string },
  ctx: z.RefinementCtx,
): void {
  if (body.smsConsentSource !== undefined && body.smsConsent === undefined) {
    ctx.addIssue({ code: 'custom', path: ['smsConsentSource'], message: 'is only accepted together with smsConsent' });
  }
}

export const createClientBody = z
  .object({
    name: fields.name,
    email: fields.email.optional(),
    phone: fields.phone.optional(),
    timezone: fields.timezone.optional(),
    notes: fields.notes.optional(),
    smsConsent: fields.smsConsent.optional(),
    smsConsentSource: fields.smsConsentSource.optional(),
  })
  .strict()
  .superRefine(consentSourceNeedsConsent)
  .openapi('CreateClient', {
    example: {
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 7911 123456',
      timezone: 'Europe/London',
      notes: 'Prefers morning appointments',
      smsConsent: true,
      smsConsentSource: 'paper form at reception',
    },
  });

export const updateClientBody = z
  .object({
    name: fields.name.optional(),
    email: fields.email.optional(),
    phone: fields.phone.optional(),
    timezone: fields.timezone.optional(),
    notes: fields.notes.optional(),
    smsConsent: fields.smsConsent.optional(),
    smsConsentSource: fields.smsConsentSource.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (Object.keys(body).length === 0) ctx.addIssue({ code: 'custom', message: 'Send at least one field to change' });
    consentSourceNeedsConsent(body, ctx);
  })
  .openapi('UpdateClient', {
    description: 'Only the fields sent change (at least one); null clears an optional field.',
    minProperties: 1,
    example: { notes: 'Moved to afternoons', phone: '+1 415 555 2671' },
  });

export const listClientsQuery = pageQuery.extend({
  search: z.string().trim().min(1).max(200).optional().openapi({ description: 'Part of the name, email or phone' }),
});

export const clientSchema = z
  .object({
    id: z.guid(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: 'E.164' }),
    timezone: z.string().nullable().openapi({ description: "IANA; null means the business's" }),
    notes: z.string().nullable(),
    smsConsent: z.boolean(),
    smsConsentAt: instant.nullable().openapi({ description: 'When consent was last given or withdrawn' }),
    smsConsentSource: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi('Client');

export const clientPage = pageOf(clientSchema).openapi('ClientPage');

export function presentClient(c: Client): z.infer<typeof clientSchema> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    timezone: c.timezone,
    notes: c.notes,
    smsConsent: c.smsConsent,
    smsConsentAt: c.smsConsentAt?.toISOString() ?? null,
    smsConsentSource: c.smsConsentSource,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
