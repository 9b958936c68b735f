// A phone number as clients of the API write it: any common international form in, E.164 out
// (+447911123456), which is what Twilio takes and what clients.phone stores.
import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';
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

// Numbers that belong to no person: a text to one costs the sender (premium rate, shared cost)
// or reaches no one who reads it. Landlines stay allowed: Twilio refuses them itself (21614),
// and a fixed-or-mobile range cannot be told apart.
const NOT_A_PERSON: Partial<Record<NumberType & string, string>> = {
  PREMIUM_RATE: 'a premium-rate number',
  SHARED_COST: 'a shared-cost number',
  TOLL_FREE: 'a toll-free number',
  UAN: 'a company switchboard number',
  VOICEMAIL: 'a voicemail access number',
  PAGER: 'a pager number',
};

/** Why a valid E.164 number must not be texted, or null when it may. */
export function whyNotTextable(e164: string): string | null {
  const type = parsePhoneNumberFromString(e164)?.getType();
  const kind = type ? NOT_A_PERSON[type] : undefined;
  return kind ? `is ${kind}, which cannot be texted` : null;
}

/** A phone number that SMS may go to. */
export const textablePhoneField = phoneField.superRefine((e164, ctx) => {
  // zod runs refinements after a failed transform too, with no number to look at.
  if (typeof e164 !== 'string') return;
  const reason = whyNotTextable(e164);
  if (reason) ctx.addIssue({ code: z.ZodIssueCode.custom, message: reason });
});
