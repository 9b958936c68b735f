// The part of the Gmail API Frontdesk uses, for one tenant's mailbox. Every failure leaves as an
// UpstreamError (errors/google.ts). Messages are sent as `raw` in the JSON body rather than as a
// media upload: uploads go to a fixed upload URL that ignores a client's rootUrl, so the sandbox
// could not see them, and raw works the same against Gmail itself.
// The Gmail module alone: the googleapis index pulls in every Google API's types.
import { gmail as gmailApi, type gmail_v1 } from 'googleapis/build/src/apis/gmail';
import type { Config } from '../../config';
import { composeMime, type OutgoingEmail } from './mime';
import { googleServiceClient, type GoogleServiceOptions } from './service-client';

export type { OutgoingEmail } from './mime';

export interface GmailMessageRef {
  id: string;
  threadId: string;
}

export interface GmailMessage extends GmailMessageRef {
  labelIds: string[];
  historyId: string;
  internalDate: Date;
  snippet: string;
  /** Header values by lower-cased name (the first occurrence). */
  headers: Record<string, string>;
  text: string | null;
  html: string | null;
  /** Only with format `raw`. */
  raw: Buffer | null;
}

export interface GmailHistoryPage {
  /** Messages added since the start id, oldest first. */
  messagesAdded: (GmailMessageRef & { labelIds: string[]; historyId: string })[];
  /** The mailbox's current history id: the next start id once every page is read. */
  historyId: string;
  nextPageToken: string | null;
}

export interface Gmail {
  getProfile(): Promise<{ emailAddress: string; historyId: string }>;
  send(email: OutgoingEmail): Promise<GmailMessageRef & { labelIds: string[] }>;
  watch(input: { topicName: string; labelIds?: string[] }): Promise<{ historyId: string; expiration: Date }>;
  stopWatch(): Promise<void>;
  /** Throws UpstreamError `history_too_old` when Gmail no longer has the start id: do a full sync. */
  listHistory(input: {
    startHistoryId: string;
    pageToken?: string;
    labelId?: string;
    maxResults?: number;
  }): Promise<GmailHistoryPage>;
  getMessage(id: string, format?: 'full' | 'metadata' | 'minimal' | 'raw'): Promise<GmailMessage>;
  listMessages(input?: { q?: string; labelIds?: string[]; pageToken?: string; maxResults?: number }): Promise<{
    messages: GmailMessageRef[];
    nextPageToken: string | null;
  }>;
  /** The mailbox's message with this RFC Message-ID (sent or received), or null. */
  findByMessageId(rfcMessageId: string): Promise<GmailMessageRef | null>;
}

export function createGmail(config: Config, options: GoogleServiceOptions): Gmail {
  const { apiOptions, call } = googleServiceClient(config, 'gmail', options);
  const api = gmailApi({ version: 'v1', ...apiOptions });

  const userId = 'me';

  async function listMessages({ q, labelIds, pageToken, maxResults }: Parameters<Gmail['listMessages']>[0] = {}) {
    const data = await call({ operation: 'messages.list' }, () =>
      api.users.messages.list({
        userId,
        ...(q ? { q } : {}),
        ...(labelIds ? { labelIds } : {}),
        ...(pageToken ? { pageToken } : {}),
        ...(maxResults ? { maxResults } : {}),
      }),
    );
    return {
      messages: (data.messages ?? []).flatMap((m) => (m.id && m.threadId ? [{ id: m.id, threadId: m.threadId }] : [])),
      nextPageToken: data.nextPageToken ?? null,
    };
  }

  return {
    async getProfile() {
      const data = await call({ operation: 'users.getProfile' }, () => api.users.getProfile({ userId }));
      return {
        emailAddress: required(data.emailAddress, 'emailAddress'),
        historyId: required(data.historyId, 'historyId'),
      };
    },

    async send(email) {
      const raw = (await composeMime(email)).toString('base64url');
      const data = await call({ operation: 'messages.send', creates: true }, () =>
        api.users.messages.send({
          userId,
          requestBody: { raw, ...(email.threadId ? { threadId: email.threadId } : {}) },
        }),
      );
      return {
        id: required(data.id, 'id'),
        threadId: required(data.threadId, 'threadId'),
        labelIds: data.labelIds ?? [],
      };
    },

    async watch({ topicName, labelIds = ['INBOX'] }) {
      const data = await call({ operation: 'users.watch' }, () =>
        api.users.watch({ userId, requestBody: { topicName, labelIds, labelFilterBehavior: 'include' } }),
      );
      return {
        historyId: required(data.historyId, 'historyId'),
        expiration: new Date(Number(required(data.expiration, 'expiration'))),
      };
    },

    async stopWatch() {
      await call({ operation: 'users.stop' }, () => api.users.stop({ userId }));
    },

    async listHistory({ startHistoryId, pageToken, labelId, maxResults }) {
      const data = await call({ operation: 'history.list', history: true }, () =>
        api.users.history.list({
          userId,
          startHistoryId,
          historyTypes: ['messageAdded'],
          ...(pageToken ? { pageToken } : {}),
          ...(labelId ? { labelId } : {}),
          ...(maxResults ? { maxResults } : {}),
        }),
      );
      const messagesAdded = (data.history ?? []).flatMap((record) =>
        (record.messagesAdded ?? []).flatMap(({ message }) =>
          message?.id && message.threadId
            ? [
                {
                  id: message.id,
                  threadId: message.threadId,
                  labelIds: message.labelIds ?? [],
                  historyId: record.id ?? '',
                },
              ]
            : [],
        ),
      );
      return {
        messagesAdded,
        historyId: required(data.historyId, 'historyId'),
        nextPageToken: data.nextPageToken ?? null,
      };
    },

    async getMessage(id, format = 'full') {
      const data = await call({ operation: 'messages.get' }, () => api.users.messages.get({ userId, id, format }));
      return toMessage(data);
    },

    listMessages,

    async findByMessageId(rfcMessageId) {
      const bare = rfcMessageId.trim().replace(/^<|>$/g, '');
      // `in:anywhere` also searches Sent, Spam and Trash, where a just-sent message may sit.
      const { messages } = await listMessages({ q: `rfc822msgid:${bare} in:anywhere`, maxResults: 1 });
      return messages[0] ?? null;
    },
  };
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new Error(`Gmail answered without ${field}`);
  return value;
}

function toMessage(data: gmail_v1.Schema$Message): GmailMessage {
  const headers: Record<string, string> = {};
  for (const h of data.payload?.headers ?? []) {
    const name = h.name?.toLowerCase();
    if (name && h.value !== null && h.value !== undefined && !(name in headers)) headers[name] = h.value;
  }
  return {
    id: required(data.id, 'id'),
    threadId: required(data.threadId, 'threadId'),
    labelIds: data.labelIds ?? [],
    historyId: data.historyId ?? '',
    internalDate: new Date(Number(data.internalDate ?? 0)),
    snippet: data.snippet ?? '',
    headers,
    text: findBody(data.payload, 'text/plain'),
    html: findBody(data.payload, 'text/html'),
    raw: data.raw ? Buffer.from(data.raw, 'base64url') : null,
  };
}

/** The first body part of a MIME type, depth first, skipping attachments. */
function findBody(part: gmail_v1.Schema$MessagePart | undefined, mimeType: string): string | null {
  if (!part) return null;
  if (part.mimeType === mimeType && !part.filename && part.body?.data)
    return Buffer.from(part.body.data, 'base64url').toString('utf8');
  for (const child of part.parts ?? []) {
    const found = findBody(child, mimeType);
    if (found !== null) return found;
  }
  return null;
}
