// All activities, built from their dependencies; the worker registers the merged object.
// Provider clients are made per call from config (cheap), so a changed tenant connection or an
// integration switched on is picked up without a worker restart.
import { Context } from '@temporalio/activity';
import type { DatabasePool } from 'slonik';
import type { Config } from '../config';
import { insertAuditEntry } from '../db/audit';
import { markGoogleAccountReauthRequired, type Mailbox } from '../db/google-accounts';
import { tenantTransactions } from '../db/tenant-transaction';
import type { Logger } from '../observability/logger';
import { createClaudeAgent, createOpenAIAgent } from '../providers/agent-llm';
import { createClaude } from '../providers/claude';
import { createCalendar } from '../providers/google/calendar';
import { createGmail } from '../providers/google/gmail';
import { openRefreshToken } from '../providers/google/refresh-token-vault';
import { createStripe } from '../providers/stripe';
import { createTwilio } from '../providers/twilio';
import { notifyReplyAgent } from '../workflow-starters/reply-agent';
import { createAgentActivities } from './agents';
import { createBookingActivities } from './bookings';
import { createCalendarActivities } from './calendar';
import { createCalendarSyncActivities } from './calendar-sync';
import { createEmailDeliveryActivities } from './email-delivery';
import { createGuardianActivities } from './guardian-activities';
import { createHousekeepingActivities } from './housekeeping';
import { providerProbes } from './guardian-providers';
import { emailGuardHolds } from './email-guards';
import { createMailboxSyncActivities } from './mailbox-sync';
import { createMailboxWatchActivities } from './mailbox-watch';
import { createOverdueDigestActivities } from './overdue-digests';
import { createPaymentReminderActivities } from './payment-reminders';
import { createProbeActivities } from './probe';
import { createSmsDeliveryActivities } from './sms-delivery';
import { createStripeEventActivities } from './stripe-events';
import { tenantGoogleGrant, tenantMailbox } from './tenant-mailbox';

export interface ActivityDeps {
  config: Config;
  pool: DatabasePool;
  logger: Logger;
}

export function createActivities(deps: ActivityDeps) {
  const { config, pool, logger } = deps;
  // The one way activities open a transaction as a tenant, handed to each factory.
  const tx = tenantTransactions(pool);
  async function onReauthRequired(tenantId: string, detail: string): Promise<void> {
    // Gmail itself is what broke, so the owner learns it from the connection's state (the
    // guardian's report and GET /api/gmail status) and the audit log, not by email.
    await tx(tenantId, async (db) => {
      await markGoogleAccountReauthRequired(db, tenantId, detail);
      await insertAuditEntry(db, {
        tenantId,
        actorId: null,
        action: 'gmail.reauth_required',
        target: 'gmail',
        requestId: null,
        detail: { detail },
      });
    });
    logger.warn({ tenantId }, 'Gmail access revoked: the owner must connect Gmail again');
  }
  // The tenant's Google Calendar; each call is cut off well inside its activity's timeout.
  const tenantCalendar = async (tenantId: string) =>
    createCalendar(config, {
      refreshToken: (await tenantGoogleGrant(config, pool, tenantId, 'calendar')).refreshToken,
      timeoutMs: 20_000,
    });
  // A sync or watch call that hangs is cut off well inside its activity's heartbeat timeout.
  const mailboxGmail = (mailbox: Mailbox) =>
    createGmail(config, { refreshToken: openRefreshToken(config, mailbox.refreshTokenCiphertext), timeoutMs: 20_000 });
  return {
    ...createProbeActivities(deps),
    ...createCalendarActivities({ config, pool }),
    ...createHousekeepingActivities(deps),
    ...createEmailDeliveryActivities({
      tx,
      logger,
      mailboxFor: (tenantId) => tenantMailbox(config, pool, tenantId),
      guardHolds: emailGuardHolds,
      onReauthRequired,
    }),
    ...createMailboxSyncActivities({
      tx,
      logger,
      gmailFor: mailboxGmail,
      onReauthRequired,
      fullSyncMaxMessages: config.mailboxSync.fullSyncMaxMessages,
      async onMessageToAnswer(message) {
        await notifyReplyAgent(Context.current().client, config, message, message.messageId);
      },
    }),
    ...createMailboxWatchActivities({
      tx,
      logger,
      gmailFor: mailboxGmail,
      topicName: config.google.pubsubTopic,
      onReauthRequired,
    }),
    ...createSmsDeliveryActivities({
      tx,
      logger,
      sms: () => createTwilio(config),
      publicBaseUrl: config.http.publicBaseUrl,
    }),
    ...createPaymentReminderActivities({
      tx,
      logger,
      publicBaseUrl: config.http.publicBaseUrl,
      payments: () => createStripe(config),
      sms: () => createTwilio(config),
    }),
    ...createStripeEventActivities({ tx }),
    ...createOverdueDigestActivities({ pool, tx, logger }),
    ...createBookingActivities({
      tx,
      logger,
      publicBaseUrl: config.http.publicBaseUrl,
      linkSecret: config.auth.jwtSecret,
      // Each Calendar call is cut off well inside its activity's timeout.
      calendarFor: tenantCalendar,
      sms: () => createTwilio(config),
    }),
    ...createCalendarSyncActivities({
      config,
      tx,
      logger,
      webhookUrl: `${config.http.publicBaseUrl}/api/calendar/webhook`,
      calendarFor: tenantCalendar,
    }),
    ...createAgentActivities({
      tx,
      logger,
      // Each model call is cut off well inside its activity's timeout, leaving room for the fallback.
      claude: () => createClaudeAgent(config, { timeoutMs: 30_000 }),
      openai: () => createOpenAIAgent(config, { timeoutMs: 30_000 }),
      async busyTimes(tenantId, from, to) {
        const calendar = await tenantCalendar(tenantId);
        const periods = await calendar.freeBusy({ timeMin: from, timeMax: to, calendarIds: ['primary'] });
        return (periods.primary ?? []).map((b) => ({ start: b.start.toISOString(), end: b.end.toISOString() }));
      },
    }),
    ...createGuardianActivities({
      config,
      pool,
      tx,
      logger,
      probes: providerProbes(config),
      // Each screening call is cut off well inside the screening activity's heartbeat timeout.
      claude: () => createClaude(config, { timeoutMs: 30_000 }),
      sms: () => createTwilio(config),
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
