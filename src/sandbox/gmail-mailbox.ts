// A Gmail mailbox as the API presents it: messages with labels and threads, and a history whose
// ids only grow, by uneven steps like Gmail's. Gmail keeps history for a limited time; here the
// oldest records fall off after HISTORY_LIMIT changes, and a start id older than what is kept
// answers 404, which tells the client to do a full sync.
import { createHash, randomBytes } from 'node:crypto';
import type { ParsedMail } from './mime';

export const HISTORY_LIMIT = 500;

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  historyId: number;
  internalDate: number;
  raw: Buffer;
  mail: ParsedMail;
}

interface HistoryRecord {
  id: number;
  messageId: string;
}

export class Mailbox {
  historyId: number;
  /** The oldest start id history.list still accepts. */
  private oldestKnown: number;
  private readonly history: HistoryRecord[] = [];
  readonly messages = new Map<string, StoredMessage>();
  watch: { topicName: string; labelIds: string[]; expiration: number } | null = null;
  private changes = 0;

  constructor(readonly email: string) {
    // Gmail history ids are large, per-mailbox numbers; a stable start per address keeps runs comparable.
    const seed = createHash('sha256').update(email.toLowerCase()).digest().readUInt32BE(0);
    this.historyId = 100_000 + (seed % 900_000);
    this.oldestKnown = this.historyId;
  }

  add(input: { raw: Buffer; mail: ParsedMail; labelIds: string[]; threadId?: string | undefined }): StoredMessage {
    const id = randomBytes(8).toString('hex');
    const threadId = this.resolveThread(input.threadId, input.mail) ?? id;
    this.changes += 1;
    this.historyId += 1 + ((this.changes * 7) % 5);
    const message: StoredMessage = {
      id,
      threadId,
      labelIds: input.labelIds,
      historyId: this.historyId,
      internalDate: Date.now(),
      raw: input.raw,
      mail: input.mail,
    };
    this.messages.set(id, message);
    this.history.push({ id: this.historyId, messageId: id });
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
      this.oldestKnown = dropped[dropped.length - 1]?.id ?? this.oldestKnown;
    }
    return message;
  }

  /** Records after `start`, or null when `start` is older than the retained history. */
  historySince(start: number): StoredMessage[] | null {
    if (start < this.oldestKnown) return null;
    return this.history
      .filter((h) => h.id > start)
      .flatMap((h) => {
        const m = this.messages.get(h.messageId);
        return m ? [m] : [];
      });
  }

  /** Forgets history up to now, as Gmail does after about a week: older start ids get a 404. */
  expireHistory(): void {
    this.history.length = 0;
    this.historyId += 1;
    this.oldestKnown = this.historyId;
  }

  lastInThread(threadId: string): StoredMessage | null {
    let last: StoredMessage | null = null;
    for (const m of this.messages.values()) if (m.threadId === threadId) last = m;
    return last;
  }

  /** Gmail's rule: the given threadId must exist, else a reply joins its parent's thread by Message-ID. */
  private resolveThread(threadId: string | undefined, mail: ParsedMail): string | null {
    if (threadId && [...this.messages.values()].some((m) => m.threadId === threadId)) return threadId;
    const parents = [mail.inReplyTo, ...mail.references].filter((r): r is string => Boolean(r));
    for (const m of this.messages.values()) if (parents.includes(m.mail.messageId)) return m.threadId;
    return null;
  }
}

export class GoogleDirectory {
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly codes = new Map<string, { email: string; scope: string; redirectUri: string }>();
  private readonly refreshTokens = new Map<string, { email: string; scope: string }>();
  private readonly accessTokens = new Map<string, { email: string; scope: string }>();

  mailbox(email: string): Mailbox {
    const key = email.trim().toLowerCase();
    let box = this.mailboxes.get(key);
    if (!box) {
      box = new Mailbox(key);
      this.mailboxes.set(key, box);
    }
    return box;
  }

  existingMailbox(email: string): Mailbox | null {
    return this.mailboxes.get(email.trim().toLowerCase()) ?? null;
  }

  issueCode(email: string, scope: string, redirectUri: string): string {
    const code = `4/0sandbox-${randomBytes(18).toString('base64url')}`;
    this.codes.set(code, { email: this.mailbox(email).email, scope, redirectUri });
    return code;
  }

  /** One use per code, as Google's codes are. */
  redeemCode(code: string, redirectUri: string | undefined): { email: string; scope: string } | null {
    const grant = this.codes.get(code);
    if (!grant || (redirectUri !== undefined && redirectUri !== grant.redirectUri)) return null;
    this.codes.delete(code);
    return { email: grant.email, scope: grant.scope };
  }

  issueRefreshToken(grant: { email: string; scope: string }): string {
    const token = `1//sandbox-${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.set(token, grant);
    return token;
  }

  grantForRefreshToken(token: string): { email: string; scope: string } | null {
    return this.refreshTokens.get(token) ?? null;
  }

  revokeRefreshToken(token: string): void {
    this.refreshTokens.delete(token);
  }

  issueAccessToken(grant: { email: string; scope: string }): string {
    const token = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(token, grant);
    return token;
  }

  grantForAccessToken(token: string): { email: string; scope: string } | null {
    return this.accessTokens.get(token) ?? null;
  }
}
