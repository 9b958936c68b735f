import { emailAddress } from '../../fields/email';
import type { Invitation } from '../../../db/invitations';
import type { Tenant } from '../../../db/tenants';
import type { User } from '../../../db/users';
import { ROLES } from '../../../domain/roles';
import { instant } from '../../openapi/common';
import { z } from '../../openapi/zod';
import { pageOf, pageQuery } from '../../pagination';

/** Emails are compared and stored lower-cased: one email is one account across all tenants. */
export const emailField = emailAddress.toLowerCase().openapi({ example: 'owner@salon.example' });
export const newPasswordField = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters')
  .openapi({ example: 'correct horse battery staple' });

export const userSchema = z
  .object({ id: z.guid(), email: z.string(), role: z.enum(ROLES), createdAt: instant })
  .openapi('User');

export const tenantSchema = z
  .object({
    id: z.guid(),
    name: z.string(),
    timezone: z.string(),
    reminderScheduleDays: z.array(z.number().int()).nullable().openapi({
      description:
        "The business's reminder schedule for new invoices (days from the due date); null: the default [-3, 0, 3, 7, 14]",
    }),
    ssoRequired: z
      .boolean()
      .openapi({ description: 'Password login is refused for everyone but owners: they sign in by SSO' }),
    createdAt: instant,
  })
  .openapi('Tenant');

export const createUserBody = z
  .object({ email: emailField, password: newPasswordField, role: z.enum(ROLES) })
  .strict()
  .openapi('CreateUser', {
    example: { email: 'front-desk@salon.example', password: 'a long passphrase here', role: 'staff' },
  });

export const listUsersQuery = pageQuery;
export const userPage = pageOf(userSchema).openapi('UserPage');

export function presentUser(user: User): z.infer<typeof userSchema> {
  return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
}

export function presentTenant(tenant: Tenant): z.infer<typeof tenantSchema> {
  return {
    id: tenant.id,
    name: tenant.name,
    timezone: tenant.timezone,
    reminderScheduleDays: tenant.reminderScheduleDays,
    ssoRequired: tenant.ssoRequired,
    createdAt: tenant.createdAt.toISOString(),
  };
}

export const inviteBody = z
  .object({ email: emailField, role: z.enum(ROLES) })
  .strict()
  .openapi('Invite', { example: { email: 'stylist@salon.example', role: 'staff' } });

export const invitationSchema = z
  .object({
    id: z.guid(),
    email: z.string(),
    role: z.enum(ROLES),
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    createdAt: instant,
    expiresAt: instant,
  })
  .openapi('Invitation');

export const invitationPage = pageOf(invitationSchema).openapi('InvitationPage');

export function presentInvitation(invite: Invitation, now = new Date()): z.infer<typeof invitationSchema> {
  const status = invite.acceptedAt
    ? 'accepted'
    : invite.revokedAt
      ? 'revoked'
      : invite.expiresAt <= now
        ? 'expired'
        : 'pending';
  return {
    id: invite.id,
    email: invite.email,
    role: invite.role,
    status,
    createdAt: invite.createdAt.toISOString(),
    expiresAt: invite.expiresAt.toISOString(),
  };
}
