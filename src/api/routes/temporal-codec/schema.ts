// The remote-codec wire format the Temporal UI and CLI speak: Payloads as proto3 JSON, i.e.
// `{ payloads: [{ metadata: { <key>: <base64> }, data: <base64> }] }`.
import type { Payload } from '@temporalio/common';
import { z } from '../../openapi/zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

const payloadJson = z
  .object({
    metadata: z.record(z.string(), base64).default({}),
    data: base64.default(''),
  })
  .openapi('CodecPayload', { description: 'A Temporal Payload in proto3 JSON: byte fields in base64' });

const EXAMPLE = {
  payloads: [
    {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"hello":"world"}').toString('base64'),
    },
  ],
};

// The CLI sends `{}` (proto3 JSON leaves an empty list out) for a command with no payloads, such
// as a query or signal without input; that is an empty list, answered with an empty list.
export const codecRequestBody = z
  .object({ payloads: z.array(payloadJson).max(1000).default([]) })
  .strict()
  .optional()
  .openapi('CodecPayloads', {
    example: EXAMPLE,
    description: 'Temporal remote-codec request; `payloads` absent or empty (and no body at all) is an empty list',
  });

export const codecResponseBody = z.object({ payloads: z.array(payloadJson) }).openapi('CodecPayloadsResult');

export const codecSignInLink = z
  .object({
    signInUrl: z.url().openapi({ description: 'Open in the browser you use the Temporal UI in, within two minutes' }),
    expiresAt: z.iso.datetime(),
    sessionHours: z.number().int(),
  })
  .openapi('CodecSignInLink');

export const codecSignInQuery = z.object({
  ticket: z.string().min(20).max(2000).openapi({ description: 'From POST /api/temporal/codec/session' }),
});

export type PayloadJson = z.infer<typeof payloadJson>;

export function payloadFromJson(p: PayloadJson): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
    ),
    data: new Uint8Array(Buffer.from(p.data, 'base64')),
  };
}

export function payloadToJson(p: Payload): PayloadJson {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}
