import { isIanaTimeZone } from '../../../domain/time-zone';
import { z } from '../../openapi/zod';
import { SSO_PROVIDERS } from '../../auth/sso';
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
    example: {
      businessName: 'Lumen Hair Studio',
      email: 'owner@lumen.example',
      password: 'a long passphrase here',
      timezone: 'Europe/London',
    },
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

export const ssoProviderParams = z.object({
  provider: z
    .enum(SSO_PROVIDERS)
    .openapi({ param: { description: 'google, or oidc (the issuer of OIDC_ISSUER_URL)' } }),
});

export const ssoStartQuery = z
  .object({ email: emailField.optional().openapi({ description: 'Passed to the issuer as login_hint' }) })
  .strict();

// Loose on purpose: whatever the issuer sent comes back as the login 401, not a 422.
export const ssoCallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(4096).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(1024).optional(),
  scope: z.string().max(1024).optional(),
  iss: z.string().max(1024).optional(),
});

export const ssoAuthUrlSchema = z
  .object({ authUrl: z.url().openapi({ description: "The issuer's authorization URL, to open in the browser" }) })
  .openapi('SsoStart');

export const acceptInviteBody = z
  .object({
    token: z.string().min(1).max(512).openapi({ description: 'The token of the emailed link' }),
    password: newPasswordField,
  })
  .strict()
  .openapi('AcceptInvite', { example: { token: '<tenant id>.<secret>', password: 'a long passphrase here' } });

export const acceptInviteResponse = tokenPairSchema.extend({ user: userSchema }).openapi('AcceptedInvitation');
