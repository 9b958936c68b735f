import type { Service } from '../../../db/services';
import { isKnownCurrency } from '../../../domain/money';
import { SERVICE_LIMITS } from '../../../domain/services';
import { instant, idParams } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';

export { idParams };

const { durationMinutes, bufferMinutes } = SERVICE_LIMITS;

const fields = {
  name: z.string().trim().min(1).max(SERVICE_LIMITS.name.max).openapi({ example: 'Colour and cut' }),
  description: z
    .string()
    .trim()
    .max(SERVICE_LIMITS.description.max)
    .nullable()
    .openapi({ example: 'Full colour, wash, cut and blow-dry' }),
  durationMinutes: z
    .number()
    .int()
    .min(durationMinutes.min)
    .max(durationMinutes.max)
    .openapi({ example: 90, description: 'Time with the client; availability steps by it' }),
  bufferMinutes: z
    .number()
    .int()
    .min(bufferMinutes.min)
    .max(bufferMinutes.max)
    .openapi({ example: 15, description: 'Time after each booking in which the calendar stays blocked (default 0)' }),
  priceCents: z.number().int().min(0).max(100_000_000).nullable().openapi({
    example: 12500,
    description:
      'In the minor unit of the currency; null for no set price (completing a booking then needs the invoice amount)',
  }),
  currency: z
    .string()
    .trim()
    .toLowerCase()
    .refine(isKnownCurrency, 'must be an ISO 4217 currency code like "usd"')
    .openapi({ example: 'usd', description: 'Default usd' }),
};

export const createServiceBody = z
  .object({
    name: fields.name,
    durationMinutes: fields.durationMinutes,
    bufferMinutes: fields.bufferMinutes.optional(),
    priceCents: fields.priceCents.optional(),
    currency: fields.currency.optional(),
    description: fields.description.optional(),
  })
  .strict()
  .openapi('CreateService', {
    example: {
      name: 'Colour and cut',
      durationMinutes: 90,
      bufferMinutes: 15,
      priceCents: 12500,
      currency: 'usd',
      description: 'Full colour, wash, cut and blow-dry',
    },
  });

export const updateServiceBody = z
  .object({
    name: fields.name.optional(),
    durationMinutes: fields.durationMinutes.optional(),
    bufferMinutes: fields.bufferMinutes.optional(),
    priceCents: fields.priceCents.optional(),
    currency: fields.currency.optional(),
    description: fields.description.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Send at least one field to change')
  .openapi('UpdateService', {
    minProperties: 1,
    description:
      'Only the fields sent change; null clears the description or the price. Bookings already made keep their times.',
    example: { priceCents: 13500, bufferMinutes: 10 },
  });

export const listServicesQuery = pageQuery.extend({
  includeArchived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ description: 'true lists archived services too' }),
});

export const serviceSchema = z
  .object({
    id: z.guid(),
    name: z.string(),
    description: z.string().nullable(),
    durationMinutes: z.number().int(),
    bufferMinutes: z.number().int(),
    priceCents: z.number().int().nullable(),
    currency: z.string(),
    archived: z.boolean(),
    archivedAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .openapi('Service');

export const servicePage = pageOf(serviceSchema).openapi('ServicePage');

export function presentService(s: Service): z.infer<typeof serviceSchema> {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    durationMinutes: s.durationMinutes,
    bufferMinutes: s.bufferMinutes,
    priceCents: s.priceCents,
    currency: s.currency,
    archived: s.archivedAt !== null,
    archivedAt: s.archivedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
