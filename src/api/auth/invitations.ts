// Invitations: the invitee is emailed a single-use link through the email workflow, and joins the
// tenant with the invited role by setting a password (accept-invite) or by signing in through SSO
// with the invited email. The link's token has the refresh token's shape, `<tenant id>.<secret>`,
// so accepting it knows which tenant transaction to open; only its SHA-256 is stored.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config';
import { queueEmail } from '../../db/emails';
import { insertInvitation, markInvitationAccepted, type Invitation } from '../../db/invitations';
import type { Db } from '../../db/sql';
import { findTenant } from '../../db/tenants';
import { insertUser, type User } from '../../db/users';
import type { Role } from '../../domain/roles';
import { startEmailDelivery } from '../../workflow-starters/email-delivery';
import { generateRefreshToken, hashRefreshToken, tenantOfRefreshToken } from './refresh-token';

export const INVITATION_TTL_HOURS = 72;

export const hashInvitationToken = hashRefreshToken;
export const tenantOfInvitationToken = tenantOfRefreshToken;

export function invitationLink(config: Config, token: string): string {
  return `${config.http.publicBaseUrl}/accept-invite?token=${encodeURIComponent(token)}`;
}

/** Records the invitation and hands its email to the email workflow; answers it and its email id. */
export async function inviteToTenant(
  db: Db,
  deps: { config: Config; temporal: Client },
  invite: { tenantId: string; email: string; role: Role; invitedBy: string },
): Promise<{ invitation: Invitation; emailId: string }> {
  const token = generateRefreshToken(invite.tenantId);
  const invitation = await insertInvitation(db, {
    ...invite,
    tokenHash: hashInvitationToken(token),
    expiresAt: new Date(Date.now() + INVITATION_TTL_HOURS * 3_600_000),
  });
  const tenant = await findTenant(db, invite.tenantId);
  const business = tenant?.name ?? 'a business';
  const emailId = randomUUID();
  await queueEmail(db, {
    id: emailId,
    tenantId: invite.tenantId,
    purpose: 'invitation',
    to: invite.email,
    subject: `You are invited to join ${business} on Frontdesk`,
    text: [
      `You have been invited to join ${business} on Frontdesk as ${invite.role}.`,
      '',
      `Accept the invitation (the link works once, for ${INVITATION_TTL_HOURS} hours):`,
      invitationLink(deps.config, token),
      '',
      `Or sign in with your Google or company account as ${invite.email}.`,
    ].join('\n'),
  });
  await startEmailDelivery(deps.temporal, deps.config, { tenantId: invite.tenantId, emailId });
  return { invitation, emailId };
}

/** The invitee becomes a user with the invited role; the invitation is spent. */
export async function joinByInvitation(db: Db, invitation: Invitation, passwordHash: string | null): Promise<User> {
  const user = await insertUser(db, {
    tenantId: invitation.tenantId,
    email: invitation.email,
    passwordHash,
    role: invitation.role,
  });
  await markInvitationAccepted(db, invitation.id, user.id);
  return user;
}
