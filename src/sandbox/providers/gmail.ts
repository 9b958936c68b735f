// Gmail API v1 (users.getProfile, messages.send/get/list, history.list, watch, stop) for the
// sandbox mailboxes, plus the control routes that drop mail into an inbox and send Pub/Sub pushes.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { jsonBody, str } from '../body';
import type { Sandbox } from '../context';
import { deliver } from '../deliver';
import type { Mailbox, StoredMessage } from '../gmail-mailbox';
import { composeInboundMail, parseMail } from '../mime';
import type { PushTokenKind } from '../oidc';
import { googleError } from '../provider-errors';

const WATCH_DAYS = 7;

export function gmailRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/gmail/v1/users/:userId' });

  // Every Gmail call names a user: `me` or the token's own address.
  router.use(async (ctx, next) => {
    const mailbox = authorizedMailbox(sb, ctx);
    if (!mailbox) return;
    ctx.state.mailbox = mailbox;
    await next();
  });

  router.get('/profile', (ctx) => {
    const box = mailboxOf(ctx);
    ctx.body = {
      emailAddress: box.email,
      messagesTotal: box.messages.size,
      threadsTotal: new Set([...box.messages.values()].map((m) => m.threadId)).size,
      historyId: String(box.historyId),
    };
  });

  router.post('/messages/send', async (ctx) => {
    const box = mailboxOf(ctx);
    const body = await jsonBody(ctx);
    const raw = str(body.raw);
    if (!raw)
      return googleFail(
        ctx,
        400,
        "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
        'invalidArgument',
      );
    const bytes = Buffer.from(raw.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
    const mail = await parseMail(bytes);
    if (!mail.to && !mail.cc && !mail.headers.some((h) => h.name.toLowerCase() === 'bcc')) {
      return googleFail(ctx, 400, 'Recipient address required', 'invalidArgument');
    }
    const message = box.add({ raw: bytes, mail, labelIds: ['SENT'], threadId: str(body.threadId) });
    sb.records.sent('gmail', {
      id: message.id,
      threadId: message.threadId,
      messageId: mail.messageId,
      from: mail.from || box.email,
      to: mail.to,
      ...(mail.cc ? { cc: mail.cc } : {}),
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      inReplyTo: mail.inReplyTo,
      references: mail.references,
    });
    ctx.body = { id: message.id, threadId: message.threadId, labelIds: message.labelIds };
  });

  router.get('/messages', (ctx) => {
    const box = mailboxOf(ctx);
    const labelIds = ([] as string[]).concat(ctx.query.labelIds ?? []);
    const q = str(ctx.query.q) ?? '';
    const matches = [...box.messages.values()]
      .filter((m) => labelIds.every((l) => m.labelIds.includes(l)) && matchesQuery(m, q))
      .reverse(); // newest first, as Gmail lists
    const page = paginate(matches, str(ctx.query.pageToken), Number(str(ctx.query.maxResults) ?? 100), 500);
    ctx.body = {
      ...(page.items.length ? { messages: page.items.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      resultSizeEstimate: matches.length,
    };
  });

  router.get('/messages/:id', (ctx) => {
    const message = mailboxOf(ctx).messages.get(ctx.params.id ?? '');
    if (!message) return googleFail(ctx, 404, 'Requested entity was not found.');
    const format = str(ctx.query.format) ?? 'full';
    if (!['full', 'metadata', 'minimal', 'raw'].includes(format))
      return googleFail(ctx, 400, `Invalid value at 'format' (${format})`, 'invalidArgument');
    const metadataHeaders = ([] as string[]).concat(ctx.query.metadataHeaders ?? []).map((h) => h.toLowerCase());
    ctx.body = messageResource(message, format as 'full', metadataHeaders);
  });

  router.get('/history', (ctx) => {
    const box = mailboxOf(ctx);
    const start = str(ctx.query.startHistoryId);
    if (!start || !/^\d+$/.test(start)) return googleFail(ctx, 400, 'Invalid startHistoryId', 'invalidArgument');
    const records = box.historySince(Number(start));
    if (records === null) return googleFail(ctx, 404, 'Requested entity was not found.');
    const types = ([] as string[]).concat(ctx.query.historyTypes ?? []);
    const labelId = str(ctx.query.labelId);
    const relevant = records.filter(
      (m) => (types.length === 0 || types.includes('messageAdded')) && (!labelId || m.labelIds.includes(labelId)),
    );
    const page = paginate(relevant, str(ctx.query.pageToken), Number(str(ctx.query.maxResults) ?? 100), 500);
    ctx.body = {
      ...(page.items.length
        ? {
            history: page.items.map((m) => ({
              id: String(m.historyId),
              messages: [{ id: m.id, threadId: m.threadId }],
              messagesAdded: [{ message: { id: m.id, threadId: m.threadId, labelIds: m.labelIds } }],
            })),
          }
        : {}),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      historyId: String(box.historyId),
    };
  });

  router.post('/watch', async (ctx) => {
    const box = mailboxOf(ctx);
    const body = await jsonBody(ctx);
    const topicName = str(body.topicName);
    if (!topicName || !/^projects\/[^/]+\/topics\/[^/]+$/.test(topicName)) {
      return googleFail(
        ctx,
        400,
        'Invalid topicName does not match projects/SOME_PROJECT/topics/SOME_TOPIC',
        'invalidArgument',
      );
    }
    const labelIds = Array.isArray(body.labelIds)
      ? body.labelIds.filter((l): l is string => typeof l === 'string')
      : [];
    box.watch = { topicName, labelIds, expiration: Date.now() + WATCH_DAYS * 86_400_000 };
    ctx.body = { historyId: String(box.historyId), expiration: String(box.watch.expiration) };
  });

  router.post('/stop', (ctx) => {
    mailboxOf(ctx).watch = null;
    ctx.status = 204;
  });

  return router;
}

const inboxSchema = z.object({
  to: z.email(),
  from: z.string().min(3),
  subject: z.string(),
  text: z.string(),
  threadId: z.string().optional(),
});

const pushSchema = z.object({
  emailAddress: z.email(),
  historyId: z.union([z.string().regex(/^\d+$/), z.number().int()]).optional(),
  token: z.enum(['valid', 'wrong-audience', 'wrong-signer', 'expired', 'none']).default('valid'),
});

export function gmailControlRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/_sandbox/gmail' });

  router.post('/inbox', async (ctx) => {
    const input = inboxSchema.parse(await jsonBody(ctx));
    const box = sb.google.mailbox(input.to);
    const parent = input.threadId ? box.lastInThread(input.threadId) : null;
    const raw = await composeInboundMail({
      ...input,
      inReplyTo: parent?.mail.messageId,
      references: parent ? [...parent.mail.references, parent.mail.messageId] : undefined,
    });
    const message = box.add({
      raw,
      mail: await parseMail(raw),
      labelIds: ['INBOX', 'UNREAD'],
      threadId: input.threadId,
    });
    const push = await pushNotification(sb, { emailAddress: box.email, historyId: message.historyId, token: 'valid' });
    ctx.status = 201;
    ctx.body = {
      id: message.id,
      threadId: message.threadId,
      messageId: message.mail.messageId,
      historyId: String(message.historyId),
      push,
    };
  });

  router.post('/push', async (ctx) => {
    const input = pushSchema.parse(await jsonBody(ctx));
    const historyId = input.historyId ?? sb.google.mailbox(input.emailAddress).historyId;
    ctx.body = await pushNotification(sb, {
      emailAddress: input.emailAddress,
      historyId: Number(historyId),
      token: input.token,
    });
  });

  /** Forgets the mailbox's history, so any earlier start id gets Gmail's 404 (full sync needed). */
  router.post('/expire-history', async (ctx) => {
    const input = z.object({ emailAddress: z.email() }).parse(await jsonBody(ctx));
    const box = sb.google.mailbox(input.emailAddress);
    box.expireHistory();
    ctx.body = { historyId: String(box.historyId) };
  });

  return router;
}

/** One Pub/Sub push, as Google delivers it: JSON envelope, base64 data, OIDC bearer token. */
async function pushNotification(
  sb: Sandbox,
  input: { emailAddress: string; historyId: number; token: PushTokenKind | 'none' },
): Promise<{ status: number; messageId: string; error?: string }> {
  const messageId = String(10_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000_000));
  const publishTime = new Date().toISOString();
  const data = Buffer.from(JSON.stringify({ emailAddress: input.emailAddress, historyId: input.historyId })).toString(
    'base64',
  );
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
  };
  if (input.token !== 'none') {
    const jwt = await sb.oidc.pushToken(input.token, {
      audience: sb.options.gmailWebhookUrl,
      email: sb.options.pubsubServiceAccount,
    });
    headers.Authorization = `Bearer ${jwt}`;
  }
  const body = JSON.stringify({
    message: { data, messageId, message_id: messageId, publishTime, publish_time: publishTime },
    subscription: sb.options.pubsubSubscription,
  });
  const result = await deliver(sb.records, 'gmail-push', `${sb.options.apiUrl}/api/gmail/webhook`, { headers, body });
  return { status: result.status, messageId, ...(result.error ? { error: result.error } : {}) };
}

/** The mailbox of the bearer token, or a 401/403 in Google's format. */
export function authorizedMailbox(sb: Sandbox, ctx: Context): Mailbox | null {
  const token = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1];
  const grant = token ? sb.google.grantForAccessToken(token) : null;
  if (!grant) {
    googleFail(
      ctx,
      401,
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      'authError',
    );
    return null;
  }
  const userId = ctx.params.userId;
  if (userId && userId !== 'me' && userId.toLowerCase() !== grant.email) {
    googleFail(ctx, 403, 'Delegation denied for ' + grant.email, 'forbidden');
    return null;
  }
  return sb.google.mailbox(grant.email);
}

function mailboxOf(ctx: Context): Mailbox {
  return ctx.state.mailbox as Mailbox;
}

export function googleFail(ctx: Context, status: number, message: string, reason?: string): void {
  ctx.status = status;
  ctx.body = googleError(status, message, reason);
}

function paginate<T>(
  items: T[],
  pageToken: string | undefined,
  requested: number,
  max: number,
): { items: T[]; nextPageToken: string | null } {
  const size = Math.min(Number.isFinite(requested) && requested > 0 ? requested : 100, max);
  const offset = pageToken && /^\d+$/.test(pageToken) ? Number(pageToken) : 0;
  const slice = items.slice(offset, offset + size);
  return { items: slice, nextPageToken: offset + size < items.length ? String(offset + size) : null };
}

/** The subset of Gmail search the app uses: rfc822msgid:, in:, label:, from:, to:, subject: and words. */
function matchesQuery(m: StoredMessage, q: string): boolean {
  const terms = q.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return terms.every((term) => {
    const [, key, rawValue] = /^([a-z0-9]+):(.+)$/i.exec(term) ?? [undefined, undefined, term];
    const value = (rawValue ?? '').replace(/^"|"$/g, '').toLowerCase();
    switch (key?.toLowerCase()) {
      case 'rfc822msgid':
        return m.mail.messageId.replace(/^<|>$/g, '').toLowerCase() === value.replace(/^<|>$/g, '');
      case 'in':
      case 'label':
        return value === 'anywhere' || m.labelIds.some((l) => l.toLowerCase() === value);
      case 'from':
        return m.mail.from.toLowerCase().includes(value);
      case 'to':
        return m.mail.to.toLowerCase().includes(value);
      case 'subject':
        return m.mail.subject.toLowerCase().includes(value);
      default:
        return `${m.mail.subject}\n${m.mail.text}`.toLowerCase().includes(value);
    }
  });
}

function messageResource(
  m: StoredMessage,
  format: 'full' | 'metadata' | 'minimal' | 'raw',
  metadataHeaders: string[],
): Record<string, unknown> {
  const base = {
    id: m.id,
    threadId: m.threadId,
    labelIds: m.labelIds,
    snippet: m.mail.text.replace(/\s+/g, ' ').trim().slice(0, 100),
    sizeEstimate: m.raw.length,
    historyId: String(m.historyId),
    internalDate: String(m.internalDate),
  };
  if (format === 'minimal') return base;
  if (format === 'raw') return { ...base, raw: m.raw.toString('base64url') };
  const headers = m.mail.headers.filter(
    (h) => format === 'full' || metadataHeaders.length === 0 || metadataHeaders.includes(h.name.toLowerCase()),
  );
  if (format === 'metadata')
    return { ...base, payload: { mimeType: m.mail.html ? 'multipart/alternative' : 'text/plain', headers } };
  const part = (partId: string, mimeType: string, content: string, partHeaders: { name: string; value: string }[]) => {
    const data = Buffer.from(content, 'utf8');
    return {
      partId,
      mimeType,
      filename: '',
      headers: partHeaders,
      body: { size: data.length, data: data.toString('base64url') },
    };
  };
  const payload = m.mail.html
    ? {
        partId: '',
        mimeType: 'multipart/alternative',
        filename: '',
        headers,
        body: { size: 0 },
        parts: [
          part('0', 'text/plain', m.mail.text, [{ name: 'Content-Type', value: 'text/plain; charset=utf-8' }]),
          part('1', 'text/html', m.mail.html, [{ name: 'Content-Type', value: 'text/html; charset=utf-8' }]),
        ],
      }
    : part('', 'text/plain', m.mail.text, headers);
  return { ...base, payload };
}
