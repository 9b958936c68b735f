// Connecting Gmail and receiving mail, end to end: the API on a real port, the real worker, and
// the sandbox standing in for Google's consent, token endpoint, Gmail API and Pub/Sub pushes.
import { SignJWT } from 'jose';
import { CONNECT_STATE_AUDIENCE } from '../../src/api/routes/gmail/connect-state';
import { listAuditEntries } from '../../src/db/audit';
import { findMailbox } from '../../src/db/google-accounts';
import { withTenant } from '../../src/db/tenant-transaction';
import { openRefreshToken } from '../../src/providers/google/refresh-token-vault';
import { mailboxWatchStatusQuery } from '../../src/workflows/mailbox-watch.contract';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';
import type { TestServer } from '../helpers/http';
import {
  allThreads,
  connectGmail,
  consentCallback,
  dropMail,
  mailboxIdle,
  syncStatus,
  validPushToken,
  whileApiIsDown,
  type ConnectedMailbox,
} from '../helpers/mailbox';
import { eventually } from '../helpers/sandbox';

let e2e: E2E;
let owner: SignedInUser;
let mailbox: ConnectedMailbox;
const restarted: TestServer[] = [];

beforeAll(async () => {
  // No fallback pass during these tests: every pass here is caused by a push or a connect.
  e2e = await startE2E({ GMAIL_SYNC_FALLBACK_SECONDS: '3600' });
  owner = await registerTenant(e2e.server, { businessName: 'Inbox Salon' });
  mailbox = await connectGmail(e2e.call, owner);
});

afterAll(async () => {
  for (const api of restarted) await api.close();
  await e2e?.close();
});

const mailboxRow = (tenantId = owner.tenantId) => withTenant(e2e.pool, tenantId, (db) => findMailbox(db, tenantId));
const gmailIdsStored = async (user: SignedInUser) => {
  const ids: string[] = [];
  for (const t of await allThreads(e2e.call, user)) {
    const res = await e2e.call('GET', `/api/threads/${t.id}`, { token: user.accessToken });
    ids.push(...res.body.messages.map((m: { gmailMessageId: string }) => m.gmailMessageId));
  }
  return ids;
};
const push = (body: Record<string, unknown>) => e2e.sandbox.control('POST', '/_sandbox/gmail/push', body);

describe('connecting', () => {
  it('answers a consent URL for offline access to Gmail, hinting the caller, with a signed state', async () => {
    const res = await e2e.call('GET', '/api/gmail/connect', { token: owner.accessToken });
    expect(res.status).toBe(200);
    const url = new URL(res.body.authUrl);
    expect(url.origin).toBe(e2e.config.sandbox.url);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('login_hint')).toBe(owner.email);
    expect(url.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/gmail.modify');
    expect(url.searchParams.get('redirect_uri')).toBe(`${e2e.config.http.publicBaseUrl}/api/gmail/oauth/callback`);
    expect(url.searchParams.get('state')?.split('.')).toHaveLength(3);
  });

  it('stores the grant encrypted, starts the watch and the sync, and shows the connection', async () => {
    expect(mailbox).toEqual({
      status: 'connected',
      email: owner.email,
      mailboxId: expect.any(String),
      syncWorkflowId: `mailbox:${owner.tenantId}:${mailbox.mailboxId}`,
      watchWorkflowId: `mailbox-watch:${owner.tenantId}:${mailbox.mailboxId}`,
    });
    const row = await mailboxRow();
    expect(row?.refreshTokenCiphertext).not.toMatch(/sandbox/);
    expect(openRefreshToken(e2e.config, row!.refreshTokenCiphertext)).toMatch(/^1\/\/sandbox-/);

    const status = await eventually(async () => {
      const res = await e2e.call('GET', '/api/gmail', { token: owner.accessToken });
      return res.body.watch?.expiresAt && res.body.sync?.historyId ? res.body : undefined;
    }, 15_000);
    expect(status).toMatchObject({
      status: 'connected',
      email: owner.email,
      mailboxId: mailbox.mailboxId,
      detail: null,
      sync: { lastError: null },
    });
    // users.watch lasts about a week, on the configured topic.
    expect(Date.parse(status.watch.expiresAt) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    const watchCalls = (await e2e.sandbox.requests('gmail')).filter((r) => r.path.endsWith('/watch'));
    expect(watchCalls.length).toBeGreaterThanOrEqual(1);

    // Ops find both workflows by tenant and mailbox id; the address is nowhere in them.
    for (const id of [mailbox.syncWorkflowId, mailbox.watchWorkflowId]) {
      const d = await e2e.temporal.workflow.getHandle(id).describe();
      expect(d.searchAttributes).toMatchObject({ TenantId: [owner.tenantId], MailboxId: [mailbox.mailboxId] });
      expect(JSON.stringify(d.searchAttributes)).not.toContain(owner.email);
      expect(d.status.name).toBe('RUNNING');
    }
    const audit = await withTenant(e2e.pool, owner.tenantId, (db) =>
      listAuditEntries(db, { action: 'gmail.connected', limit: 10 }),
    );
    expect(audit).toEqual([expect.objectContaining({ actorId: owner.userId, target: `mailbox:${mailbox.mailboxId}` })]);
  });

  it('refuses a tampered, expired, reused or foreign state with 422 naming state, and a denied consent with 400', async () => {
    const callback = new URL(await consentCallback(e2e.call, owner), 'http://x');
    const state = callback.searchParams.get('state')!;
    const code = callback.searchParams.get('code')!;
    const tampered = `${state.slice(0, -4)}${state.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const key = new TextEncoder().encode(e2e.config.auth.jwtSecret);
    const expired = await new SignJWT({ tid: owner.tenantId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(owner.userId)
      .setIssuer(e2e.config.auth.jwtIssuer)
      .setAudience(CONNECT_STATE_AUDIENCE)
      .setJti('00000000-0000-4000-8000-00000000dead')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1800)
      .sign(key);
    // An access token is signed with the same key, but is not a connect state.
    for (const bad of [tampered, expired, owner.accessToken]) {
      const res = await e2e.call(
        'GET',
        `/api/gmail/oauth/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(bad)}`,
      );
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([{ path: 'state', message: expect.any(String) }]);
    }
    const missing = await e2e.call('GET', '/api/gmail/oauth/callback?code=abc');
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(['state']);

    const first = await e2e.call('GET', callback.pathname + callback.search);
    expect(first.status).toBe(200);
    const again = await e2e.call('GET', callback.pathname + callback.search);
    expect(again.status).toBe(422);
    expect(again.body.errors).toEqual([{ path: 'state', message: expect.stringMatching(/already used/) }]);

    const denied = new URL(await consentCallback(e2e.call, owner), 'http://x');
    const res = await e2e.call(
      'GET',
      `/api/gmail/oauth/callback?error=access_denied&state=${encodeURIComponent(denied.searchParams.get('state')!)}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/access_denied/);
  });

  it('answers 400 when Google refuses the code, and 503 when Google is down', async () => {
    await mailboxIdle(e2e.temporal, owner.tenantId, mailbox);
    await e2e.sandbox.fault({
      provider: 'google-oauth',
      status: 400,
      count: 1,
      body: { error: 'invalid_grant', error_description: 'Bad Request' },
    });
    const refused = await e2e.call('GET', await consentCallback(e2e.call, owner));
    expect(refused.status).toBe(400);
    await e2e.sandbox.fault({ provider: 'google-oauth', status: 503, count: 1 });
    const down = await e2e.call('GET', await consentCallback(e2e.call, owner));
    expect(down.status).toBe(503);
    expect((await mailboxRow())?.status).toBe('connected');
  });

  it('replaces the grant on reconnect and keeps the mailbox, its id and its cursor', async () => {
    const before = await mailboxRow();
    const renewed =
      (await mailboxIdle(e2e.temporal, owner.tenantId, mailbox)) &&
      (await e2e.temporal.workflow.getHandle(mailbox.watchWorkflowId).query(mailboxWatchStatusQuery)).renewals;
    const again = await connectGmail(e2e.call, owner);
    expect(again.mailboxId).toBe(mailbox.mailboxId);
    const after = await mailboxRow();
    expect(openRefreshToken(e2e.config, after!.refreshTokenCiphertext)).not.toBe(
      openRefreshToken(e2e.config, before!.refreshTokenCiphertext),
    );
    expect(after!.syncHistoryId).not.toBeNull();
    // The watch is renewed at once by the same workflow.
    await eventually(async () => {
      const status = await e2e.temporal.workflow.getHandle(mailbox.watchWorkflowId).query(mailboxWatchStatusQuery);
      return status.renewals > renewed ? status : undefined;
    }, 15_000);
  });

  it('connecting another address makes it a new mailbox, and the old one stops syncing', async () => {
    const other = await registerTenant(e2e.server, { businessName: 'Moving Studio' });
    const first = await connectGmail(e2e.call, other);
    const admin = await createUser(e2e.server, other, 'admin');
    const second = await connectGmail(e2e.call, admin);
    expect(second.email).toBe(admin.email);
    expect(second.mailboxId).not.toBe(first.mailboxId);
    const oldSync = e2e.temporal.workflow.getHandle(first.syncWorkflowId);
    expect(await oldSync.result()).toBe('disconnected');
    expect(await e2e.temporal.workflow.getHandle(first.watchWorkflowId).result()).toBe('disconnected');

    // Mail to the old address is no longer this business's; mail to the new one is.
    const old = await dropMail(e2e.sandbox, {
      to: other.email,
      from: 'x@client.example',
      subject: 'To the old address',
      text: 'x',
    });
    expect(old.push.status).toBe(204);
    await dropMail(e2e.sandbox, {
      to: admin.email,
      from: 'y@client.example',
      subject: 'To the new address',
      text: 'y',
    });
    const threads = await eventually(async () => {
      const items = await allThreads(e2e.call, other);
      return items.some((t) => t.subject === 'To the new address') ? items : undefined;
    }, 15_000);
    expect(threads.map((t) => t.subject)).not.toContain('To the old address');
  });
});

describe('receiving mail', () => {
  it('shows mail that arrives, once, within seconds', async () => {
    const dropped = await dropMail(e2e.sandbox, {
      to: owner.email,
      from: 'Ada Client <ada@client.example>',
      subject: 'Booking next week?',
      text: 'Hi, can I book Tuesday?',
    });
    expect(dropped.push.status).toBe(204);
    const thread = await eventually(
      async () => (await allThreads(e2e.call, owner)).find((t) => t.gmailThreadId === dropped.threadId),
      15_000,
    );
    expect(thread).toMatchObject({
      subject: 'Booking next week?',
      messageCount: 1,
      lastFrom: 'Ada Client <ada@client.example>',
      unsafe: false,
    });
    const res = await e2e.call('GET', `/api/threads/${thread.id}`, { token: owner.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.messages).toEqual([
      expect.objectContaining({
        gmailMessageId: dropped.id,
        messageId: dropped.messageId,
        inReplyTo: null,
        from: 'Ada Client <ada@client.example>',
        fromEmail: 'ada@client.example',
        fromName: 'Ada Client',
        to: owner.email,
        subject: 'Booking next week?',
        text: 'Hi, can I book Tuesday?',
        labels: expect.arrayContaining(['INBOX']),
      }),
    ]);
    // The cursor moves past the message once it is stored.
    await eventually(async () => {
      const status = await e2e.call('GET', '/api/gmail', { token: owner.accessToken });
      return BigInt(status.body.sync.historyId) >= BigInt(dropped.historyId) ? true : undefined;
    });
  });

  it('receives mail for a business the sandbox connected on its first send, without a consent', async () => {
    const sender = await registerTenant(e2e.server, { businessName: 'Sends First' });
    const sent = await e2e.call('POST', '/api/emails', {
      token: sender.accessToken,
      json: { to: 'z@client.example', subject: 'Hello', text: 'Hi' },
    });
    expect(sent.status).toBe(202);
    await eventually(
      async () =>
        (await e2e.call('GET', '/api/gmail', { token: sender.accessToken })).body.status === 'connected'
          ? true
          : undefined,
      30_000,
    );
    const dropped = await dropMail(e2e.sandbox, {
      to: sender.email,
      from: 'z@client.example',
      subject: 'Re: Hello',
      text: 'Hi back',
    });
    expect(dropped.push.status).toBe(204);
    const thread = await eventually(
      async () => (await allThreads(e2e.call, sender)).find((t) => t.gmailThreadId === dropped.threadId),
      15_000,
    );
    expect(thread).toMatchObject({ subject: 'Re: Hello', messageCount: 1 });
  });

  it('answers 204 to a push for a mailbox no business connected, so Pub/Sub stops redelivering it', async () => {
    const res = await push({ emailAddress: 'stranger@nowhere.example', token: 'valid' });
    expect(res.body.status).toBe(204);
  });
});

describe('the push endpoint', () => {
  it('answers 401 to a push with a wrong audience, a wrong signer, an expired token or none, and stores nothing', async () => {
    // Mail arrives while the API is down: its push is lost, so only a push can bring it in now.
    const { result: lost, api } = await whileApiIsDown(e2e, () =>
      dropMail(e2e.sandbox, { to: owner.email, from: 'eve@client.example', subject: 'Lost push', text: 'Waiting' }),
    );
    restarted.push(api);
    expect(lost.push.status).toBe(0);
    const before = await syncStatus(e2e.temporal, mailbox, owner.tenantId);

    for (const token of ['wrong-audience', 'wrong-signer', 'expired', 'none']) {
      const res = await push({ emailAddress: owner.email, token });
      expect({ token, status: res.body.status }).toEqual({ token, status: 401 });
    }
    const after = await syncStatus(e2e.temporal, mailbox, owner.tenantId);
    expect(after.notifications).toBe(before.notifications);
    expect(after.passes).toBe(before.passes);
    expect(await gmailIdsStored(owner)).not.toContain(lost.id);

    // The same push with a good token brings the mail in.
    expect((await push({ emailAddress: owner.email, token: 'valid' })).body.status).toBe(204);
    await eventually(async () => ((await gmailIdsStored(owner)).includes(lost.id) ? true : undefined), 15_000);
  });

  it('answers problem+json 401 itself, naming no secret', async () => {
    const res = await e2e.call('POST', '/api/gmail/webhook', {
      json: { message: { data: 'e30=' } },
      headers: { Authorization: 'Bearer not.a.jwt' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.text).not.toContain(e2e.config.google.pubsubServiceAccount);
    expect(res.text).not.toContain(e2e.config.google.webhookUrl);
  });

  it('answers 422 naming the field for an envelope that is not a Gmail notification, 400 for one that is not JSON', async () => {
    const headers = { Authorization: `Bearer ${await validPushToken(e2e.sandbox)}` };
    const notJson = await e2e.call('POST', '/api/gmail/webhook', {
      raw: '{nope',
      headers: { ...headers, 'Content-Type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    const noData = await e2e.call('POST', '/api/gmail/webhook', { json: { message: {} }, headers });
    expect(noData.status).toBe(422);
    expect(noData.body.errors.map((e: { path: string }) => e.path)).toEqual(['message.data']);
    const badData = await e2e.call('POST', '/api/gmail/webhook', {
      json: {
        message: {
          data: Buffer.from(JSON.stringify({ emailAddress: owner.email, historyId: 'soon' })).toString('base64'),
        },
      },
      headers,
    });
    expect(badData.status).toBe(422);
    expect(badData.body.errors.map((e: { path: string }) => e.path)).toEqual(['message.data.historyId']);
  });
});

describe('a revoked grant', () => {
  it('shows reauth_required, ignores pushes meanwhile, and after a reconnect reads what arrived', async () => {
    const other = await registerTenant(e2e.server, { businessName: 'Revoked Clinic' });
    const connected = await connectGmail(e2e.call, other);
    await mailboxIdle(e2e.temporal, other.tenantId, connected);

    // Google refuses the refresh token on the next pass.
    await e2e.sandbox.fault({
      provider: 'google-oauth',
      status: 400,
      count: 1,
      body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
    });
    const first = await dropMail(e2e.sandbox, {
      to: other.email,
      from: 'bob@client.example',
      subject: 'While revoked',
      text: 'one',
    });
    const status = await eventually(async () => {
      const res = await e2e.call('GET', '/api/gmail', { token: other.accessToken });
      return res.body.status === 'reauth_required' ? res.body : undefined;
    }, 15_000);
    expect(status.detail).toMatch(/revoked/);
    expect(await e2e.temporal.workflow.getHandle(connected.syncWorkflowId).result()).toBe('reauth_required');
    const audit = await withTenant(e2e.pool, other.tenantId, (db) =>
      listAuditEntries(db, { action: 'gmail.reauth_required', limit: 10 }),
    );
    expect(audit).toHaveLength(1);

    // A push meanwhile starts nothing: the sync would only fail again.
    const second = await dropMail(e2e.sandbox, {
      to: other.email,
      from: 'bob@client.example',
      subject: 'Still revoked',
      text: 'two',
    });
    expect(second.push.status).toBe(204);
    const d = await e2e.temporal.workflow.getHandle(connected.syncWorkflowId).describe();
    expect(d.status.name).toBe('COMPLETED');

    const again = await connectGmail(e2e.call, other);
    expect(again.mailboxId).toBe(connected.mailboxId);
    expect((await e2e.call('GET', '/api/gmail', { token: other.accessToken })).body.status).toBe('connected');
    // The cursor survived the outage: both messages are read from history, each once.
    await eventually(async () => {
      const ids = await gmailIdsStored(other);
      return ids.includes(first.id) && ids.includes(second.id) ? ids : undefined;
    }, 15_000);
    const ids = await gmailIdsStored(other);
    expect(ids.filter((id) => id === first.id || id === second.id)).toHaveLength(2);
  });
});
