// Gmail connected the way an owner connects it: GET /api/gmail/connect, the consent URL opened
// (the sandbox's consent approves the mailbox named by login_hint and redirects), then Google's
// redirect followed to the API's callback. Plus mail dropped into the sandbox mailbox, and the
// mailbox's sync workflow as ops see it.
import type { Client } from '@temporalio/client';
import { mailboxSyncWorkflowId } from '../../src/temporal/mailbox-workflows';
import { mailboxSyncStatusQuery, type MailboxSyncStatus } from '../../src/workflows/definitions';
import type { SignedInUser } from './auth';
import type { TestResponse } from './http';
import type { SandboxHarness } from './sandbox';

type Call = (method: string, path: string, options?: { token?: string; json?: unknown; headers?: Record<string, string> }) => Promise<TestResponse>;

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

export async function syncStatus(temporal: Client, mailbox: { mailboxId: string }, tenantId: string): Promise<MailboxSyncStatus> {
  return temporal.workflow.getHandle(mailboxSyncWorkflowId(tenantId, mailbox.mailboxId)).query(mailboxSyncStatusQuery);
}

/** Every thread of the caller's business, page by page. */
export async function allThreads(call: Call, user: SignedInUser, query = ''): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep: string = query ? '&' : '';
    const res: TestResponse = await call('GET', `/api/threads?limit=100${sep}${query}${cursor ? `&cursor=${cursor}` : ''}`, { token: user.accessToken });
    if (res.status !== 200) throw new Error(`GET /api/threads answered ${res.status}: ${res.text}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}
