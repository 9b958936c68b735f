// Gmail, connected the way an owner connects it: the API's consent URL opened (the sandbox's
// consent approves the mailbox named by login_hint, the owner's address, and redirects), and the
// redirect followed to the API's callback. Then mail from clients dropped into that mailbox: the
// sandbox pushes the notification to the API's Gmail webhook and the worker's sync stores it.
import type { Owner } from './account';
import type { DemoMail } from './demo-business';
import { type HttpClient, SeedError, waitUntil } from './http-client';

export interface SeededThread {
  id: string;
  subject: string;
  unsafe: boolean;
}

/**
 * Connects every run: reconnecting keeps the mailbox and its sync cursor, and it renews a grant
 * the sandbox forgot when it restarted (its state lives in memory).
 */
export async function connectMailbox(api: HttpClient, owner: Owner): Promise<{ email: string; mailboxId: string }> {
  const connect = await api.call<{ authUrl: string }>('GET', '/api/gmail/connect', { token: owner.accessToken });
  const consent = await fetch(connect.body.authUrl, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location)
    throw new SeedError(
      `the consent screen at ${new URL(connect.body.authUrl).origin} answered ${consent.status}: is the sandbox running?`,
    );
  // Google redirects the browser to the callback on PUBLIC_BASE_URL; the seed calls it on the API it talks to.
  const callback = new URL(location);
  const connected = await api.call<{ email: string; mailboxId: string }>('GET', callback.pathname + callback.search);
  return { email: connected.body.email, mailboxId: connected.body.mailboxId };
}

export async function findThread(api: HttpClient, owner: Owner, subject: string): Promise<SeededThread | undefined> {
  const threads = await api.all<SeededThread>('/api/threads', owner.accessToken);
  return threads.find((t) => t.subject === subject);
}

/** The thread of `mail`: found when an earlier run received it, else received now. */
export async function receiveMail(
  targets: { api: HttpClient; sandbox: HttpClient },
  owner: Owner,
  mailbox: { email: string },
  mail: DemoMail,
): Promise<SeededThread> {
  const found = await findThread(targets.api, owner, mail.subject);
  if (found) return found;
  const dropped = await targets.sandbox.call<{ push: { status: number } }>('POST', '/_sandbox/gmail/inbox', {
    json: { to: mailbox.email, ...mail },
    accept: [201],
  });
  if (dropped.body.push.status !== 204)
    throw new SeedError(`the API's Gmail webhook answered ${dropped.body.push.status} to the sandbox's push`);
  return waitUntil(`the mail "${mail.subject}" stored as a thread`, () => findThread(targets.api, owner, mail.subject));
}
