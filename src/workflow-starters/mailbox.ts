// How the API reaches a mailbox's workflows: both are started or signalled in one call
// (signal-with-start), so a push or a connect never needs to know whether one is running. Ids
// carry the tenant and the mailbox id, and so do the search attributes: ids only, never the
// address, since search attributes are stored in clear.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { MailboxIdKey, TenantIdKey } from '../domain/search-attributes';
import { mailboxSyncWorkflowId, mailboxWatchWorkflowId } from '../domain/workflow-ids';
import type { mailboxSync } from '../workflows/mailbox-sync';
import { mailboxChangedSignal, type MailboxSyncInput } from '../workflows/mailbox-sync.contract';
import type { mailboxWatch } from '../workflows/mailbox-watch';
import { renewWatchSignal, type MailboxWatchInput } from '../workflows/mailbox-watch.contract';
import { taskQueueFor } from '../temporal/task-queues';

interface MailboxIds {
  tenantId: string;
  mailboxId: string;
}

const searchAttributes = (ids: MailboxIds) => [
  { key: TenantIdKey, value: ids.tenantId },
  { key: MailboxIdKey, value: ids.mailboxId },
];

/**
 * Tells the mailbox's sync workflow that the mailbox changed, starting it if it is not running.
 * `historyId` (from a Gmail push) only lets the workflow ignore a repeat; without one a pass is due.
 */
export async function notifyMailboxSync(
  client: Client,
  config: Config,
  ids: MailboxIds,
  change: { historyId?: string } = {},
): Promise<string> {
  const workflowId = mailboxSyncWorkflowId(ids.tenantId, ids.mailboxId);
  const input: MailboxSyncInput = { ...ids, fallbackIntervalMs: config.mailboxSync.fallbackIntervalMs };
  await client.workflow.signalWithStart<typeof mailboxSync, [{ historyId?: string }]>('mailboxSync', {
    workflowId,
    taskQueue: taskQueueFor(config, 'mailboxSync'),
    args: [input],
    signal: mailboxChangedSignal,
    signalArgs: [change.historyId !== undefined ? { historyId: change.historyId } : {}],
    typedSearchAttributes: searchAttributes(ids),
  });
  return workflowId;
}

/** Renews the mailbox's Gmail watch now, starting its renewal workflow if it is not running. */
export async function renewMailboxWatchNow(client: Client, config: Config, ids: MailboxIds): Promise<string> {
  const workflowId = mailboxWatchWorkflowId(ids.tenantId, ids.mailboxId);
  const input: MailboxWatchInput = { ...ids, renewEveryMs: config.mailboxSync.watchRenewIntervalMs };
  await client.workflow.signalWithStart<typeof mailboxWatch, []>('mailboxWatch', {
    workflowId,
    taskQueue: taskQueueFor(config, 'mailboxWatch'),
    args: [input],
    signal: renewWatchSignal,
    signalArgs: [],
    typedSearchAttributes: searchAttributes(ids),
  });
  return workflowId;
}
