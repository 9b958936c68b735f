// A phone number as clients of the API write it: any common international form in, E.164 out
// (+447911123456), which is what Twilio takes and what clients.phone stores.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from '../openapi/zod';

export const phoneField = z
  .string()
  .trim()
  .max(40)
  .transform((raw, ctx) => {
    const parsed = parsePhoneNumberFromString(raw.replace(/^00/, '+'));
    if (!parsed?.isValid()) {
      ctx.addIssue({
        code: 'custom',
        message:
          raw.startsWith('+') || raw.startsWith('00')
            ? 'is not a valid phone number'
            : 'must be an international phone number with its country code, e.g. +44 7911 123456',
        // The body's own rules (e.g. "give either clientId or to") are still checked and reported
        // beside this one, as zod 3 did: zod 4 would otherwise stop at the first transform issue.
        continue: true,
      });
      return z.NEVER;
    }
    return parsed.number;
  })
  .openapi({ type: 'string', example: '+44 7911 123456', description: 'Stored and returned in E.164 (+447911123456)' });
