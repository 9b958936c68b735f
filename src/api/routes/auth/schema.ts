import { isIanaTimeZone } from '../../../domain/time-zone';
import { z } from '../../openapi/zod';
import { emailField, newPasswordField, tenantSchema, userSchema } from '../users/schema';

export const timeZoneField = z
  .string()
  .max(64)
  .refine(isIanaTimeZone, 'must be an IANA time zone such as Europe/London')
  .openapi({ example: 'Europe/London' });

export const registerBody = z
  .object({
    businessName: z.string().trim().min(1).max(200).openapi({ example: 'Lumen Hair Studio' }),
    email: emailField,
    password: newPasswordField,
    timezone: timeZoneField.default('UTC'),
  })
  .strict()
  .openapi('Register', {
    example: { businessName: 'Lumen Hair Studio', email: 'owner@lumen.example', password: 'a long passphrase here', timezone: 'Europe/London' },
  });

// Deliberately loose: a login that is wrong in any way gets the same 401, not a 422 that would
// say which part was wrong.
export const loginBody = z
  .object({
    email: z.string().min(1).max(320).openapi({ example: 'owner@lumen.example' }),
    password: z.string().min(1).max(1024).openapi({ example: 'a long passphrase here' }),
  })
  .strict()
  .openapi('Login', { example: { email: 'owner@lumen.example', password: 'a long passphrase here' } });

export const refreshTokenBody = z
  .object({ refreshToken: z.string().min(1).max(512) })
  .strict()
  .openapi('RefreshTokenRequest', { example: { refreshToken: '<tenant id>.<secret>' } });

export const tokenPairSchema = z
  .object({
    accessToken: z.string().openapi({ description: 'JWT (HS256), 15 minutes' }),
    refreshToken: z.string().openapi({ description: 'Opaque, single use: each refresh returns the next one' }),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the access token expires' }),
    tokenType: z.literal('Bearer'),
  })
  .openapi('TokenPair');

export const registerResponse = tokenPairSchema
  .extend({ tenant: tenantSchema, user: userSchema })
  .openapi('Registration');

export const meResponse = z.object({ user: userSchema, tenant: tenantSchema }).openapi('Me');
