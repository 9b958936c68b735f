import type { Mailbox } from '../../../db/google-accounts';
import { instant } from '../../openapi/common';
import { z } from '../../openapi/zod';

export const connectResult = z
  .object({
    authUrl: z.url().openapi({ description: "Google's consent screen; it redirects to GET /api/gmail/oauth/callback" }),
  })
  .openapi('GmailConnect');

// Google adds its own parameters to the redirect (scope, authuser, prompt, hd…): unknown ones are ignored.
export const callbackQuery = z.object({
  state: z.string().min(1).max(4096).openapi({ description: 'The signed state from GET /api/gmail/connect' }),
  code: z.string().min(1).max(2048).optional().openapi({ description: "Google's authorization code" }),
  error: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'Set by Google instead of code when consent was not given' }),
});

export const callbackResult = z
  .object({
    status: z.literal('connected'),
    email: z.string(),
    mailboxId: z.guid(),
    syncWorkflowId: z.string(),
    watchWorkflowId: z.string(),
  })
  .openapi('GmailConnected');

export const gmailStatus = z
  .object({
    status: z.enum(['connected', 'reauth_required', 'not_connected']),
    email: z.string().nullable(),
    mailboxId: z.guid().nullable(),
    connectedAt: instant.nullable(),
    /** Why reauth_required, in Google's words. */
    detail: z.string().nullable(),
    watch: z
      .object({ historyId: z.string().nullable(), expiresAt: instant.nullable(), renewedAt: instant.nullable() })
      .nullable(),
    sync: z
      .object({ historyId: z.string().nullable(), lastSyncedAt: instant.nullable(), lastError: z.string().nullable() })
      .nullable(),
  })
  .openapi('GmailStatus');

export function presentGmailStatus(mailbox: Mailbox | null): z.infer<typeof gmailStatus> {
  if (!mailbox)
    return {
      status: 'not_connected',
      email: null,
      mailboxId: null,
      connectedAt: null,
      detail: null,
      watch: null,
      sync: null,
    };
  return {
    status: mailbox.status,
    email: mailbox.email,
    mailboxId: mailbox.id,
    connectedAt: mailbox.connectedAt.toISOString(),
    detail: mailbox.statusDetail,
    watch: {
      historyId: mailbox.watchHistoryId,
      expiresAt: mailbox.watchExpiresAt?.toISOString() ?? null,
      renewedAt: mailbox.watchRenewedAt?.toISOString() ?? null,
    },
    sync: {
      historyId: mailbox.syncHistoryId,
      lastSyncedAt: mailbox.lastSyncedAt?.toISOString() ?? null,
      lastError: mailbox.lastSyncError,
    },
  };
}

/** A Pub/Sub push: https://cloud.google.com/pubsub/docs/push#receive_push */
export const pushEnvelope = z.object({
  message: z.object({
    data: z.string().min(1).max(10_000),
    messageId: z.string().max(200).optional(),
    message_id: z.string().max(200).optional(),
    publishTime: z.string().optional(),
  }),
  subscription: z.string().max(500).optional(),
});

/** What Gmail publishes: the mailbox and its history id at the change. */
export const gmailNotification = z.object({
  emailAddress: z.string().min(3).max(254),
  historyId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String),
});
