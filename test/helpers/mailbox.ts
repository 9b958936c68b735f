// Gmail connected the way an owner connects it: GET /api/gmail/connect, the consent URL opened
// (the sandbox's consent approves the mailbox named by login_hint and redirects), then Google's
// redirect followed to the API's callback. Plus mail dropped into the sandbox mailbox, and the
// mailbox's sync workflow as ops see it.
import type { Client } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { mailboxSyncWorkflowId, mailboxWatchWorkflowId } from '../../src/domain/workflow-ids';
import { createLogger } from '../../src/observability/logger';
import { mailboxSyncStatusQuery, type MailboxSyncStatus } from '../../src/workflows/mailbox-sync.contract';
import { mailboxWatchStatusQuery } from '../../src/workflows/mailbox-watch.contract';
import type { SignedInUser } from './auth';
import type { E2E } from './e2e';
import { listen, type TestResponse, type TestServer } from './http';
import { eventually, type SandboxHarness } from './sandbox';

type Call = (
  method: string,
  path: string,
  options?: { token?: string; json?: unknown; headers?: Record<string, string> },
) => Promise<TestResponse>;

export interface ConnectedMailbox {
  email: string;
  mailboxId: string;
  syncWorkflowId: string;
  watchWorkflowId: string;
}

/** The consent redirect's callback URL (path and query), for tests that call it themselves. */
export async function consentCallback(call: Call, user: SignedInUser): Promise<string> {
  const connect = await call('GET', '/api/gmail/connect', { token: user.accessToken });
  if (connect.status !== 200) throw new Error(`connect answered ${connect.status}: ${connect.text}`);
  const consent = await fetch(connect.body.authUrl, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) throw new Error(`the consent screen answered ${consent.status}`);
  const callback = new URL(location);
  return callback.pathname + callback.search;
}

export async function connectGmail(call: Call, user: SignedInUser): Promise<ConnectedMailbox> {
  const res = await call('GET', await consentCallback(call, user));
  if (res.status !== 200) throw new Error(`the callback answered ${res.status}: ${res.text}`);
  return res.body as ConnectedMailbox;
}

/** Mail from someone else lands in the mailbox; the sandbox pushes the notification to the API. */
export async function dropMail(
  sandbox: SandboxHarness,
  mail: { to: string; from: string; subject: string; text: string; threadId?: string },
): Promise<{ id: string; threadId: string; messageId: string; historyId: string; push: { status: number } }> {
  const res = await sandbox.control('POST', '/_sandbox/gmail/inbox', mail);
  if (res.status !== 201) throw new Error(`the sandbox refused the mail: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function syncStatus(
  temporal: Client,
  mailbox: { mailboxId: string },
  tenantId: string,
): Promise<MailboxSyncStatus> {
  return temporal.workflow.getHandle(mailboxSyncWorkflowId(tenantId, mailbox.mailboxId)).query(mailboxSyncStatusQuery);
}

/**
 * Waits until the mailbox's workflows have nothing in flight: the sync waits for news and owes no
 * pass, the watch was renewed and waits for its next turn. Faults injected then reach the call
 * the test means, not a renewal or pass still running from an earlier step.
 */
export async function mailboxIdle(
  temporal: Client,
  tenantId: string,
  mailbox: { mailboxId: string },
): Promise<MailboxSyncStatus> {
  return eventually(async () => {
    const sync = await syncStatus(temporal, mailbox, tenantId);
    const watch = await temporal.workflow
      .getHandle(mailboxWatchWorkflowId(tenantId, mailbox.mailboxId))
      .query(mailboxWatchStatusQuery);
    return sync.state === 'waiting' && !sync.owed && sync.passes > 0 && watch.nextRenewalAt !== null ? sync : undefined;
  }, 20_000);
}

/** Every thread of the caller's business, page by page. */
export async function allThreads(call: Call, user: SignedInUser, query = ''): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep: string = query ? '&' : '';
    const res: TestResponse = await call(
      'GET',
      `/api/threads?limit=100${sep}${query}${cursor ? `&cursor=${cursor}` : ''}`,
      { token: user.accessToken },
    );
    if (res.status !== 200) throw new Error(`GET /api/threads answered ${res.status}: ${res.text}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

/**
 * The API is down for a moment: the push Gmail sends meanwhile is lost, as Pub/Sub may lose one.
 * `during` runs while nothing listens on the API's port; then a fresh API (same config, pool and
 * Temporal client) listens there again, so `e2e.call` keeps working. Close what it returns.
 */
export async function whileApiIsDown<T>(e2e: E2E, during: () => Promise<T>): Promise<{ result: T; api: TestServer }> {
  await e2e.server.close();
  const port = Number(new URL(e2e.server.url).port);
  const relisten = () =>
    listen(
      createApp({
        config: e2e.config,
        pool: e2e.pool,
        temporal: e2e.temporal,
        logger: createLogger({ name: 'e2e', level: 'silent', pretty: false }),
      }),
      port,
    );
  let result: T;
  try {
    result = await during();
  } catch (err) {
    await relisten();
    throw err;
  }
  return { result, api: await relisten() };
}

/** A Pub/Sub push token signed by the sandbox's OIDC key, for pushes the sandbox would not send (bad envelopes). */
export async function validPushToken(sandbox: SandboxHarness): Promise<string> {
  const sb = sandbox.running.sandbox;
  return sb.oidc.pushToken('valid', { audience: sb.options.gmailWebhookUrl, email: sb.options.pubsubServiceAccount });
}
