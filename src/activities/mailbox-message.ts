// A Gmail message as Frontdesk stores it: addresses parsed from the headers (nodemailer's parser),
// the plain-text body (or the HTML one turned into text when the sender sent only HTML), and
// which messages are not inbound mail from someone else at all.
import { convert as htmlToText } from 'html-to-text';
import addressparser from 'nodemailer/lib/addressparser';
import type { InboundMessage } from '../db/messages';
import type { GmailMessage } from '../providers/google/gmail';

/** Our own sent mail and drafts are not inbound; spam and trash are not for the front desk. */
const NOT_INBOUND_LABELS = new Set(['SENT', 'DRAFT', 'SPAM', 'TRASH']);

/** Bodies past this are cut: a reply needs what a person wrote, not a 20 MB newsletter. */
export const MAX_BODY_CHARS = 200_000;

export function isInbound(labelIds: readonly string[]): boolean {
  return !labelIds.some((label) => NOT_INBOUND_LABELS.has(label));
}

export function toInboundMessage(mailboxId: string, m: GmailMessage): InboundMessage {
  const header = (name: string): string | null => m.headers[name]?.trim() || null;
  const fromHeader = header('from') ?? '';
  const sender = firstAddress(fromHeader);
  const date = header('date');
  const sentAt = date && !Number.isNaN(Date.parse(date)) ? new Date(date) : null;
  return {
    mailboxId,
    gmailMessageId: m.id,
    gmailThreadId: m.threadId,
    rfcMessageId: header('message-id'),
    inReplyTo: header('in-reply-to'),
    references: header('references'),
    fromHeader,
    fromEmail: sender?.address.toLowerCase() ?? null,
    fromName: sender?.name || null,
    toHeader: header('to') ?? '',
    ccHeader: header('cc'),
    subject: header('subject') ?? '',
    sentAt,
    // Gmail's own receipt time: a sender's Date header can be missing or wrong.
    receivedAt: m.internalDate.getTime() > 0 ? m.internalDate : (sentAt ?? new Date()),
    snippet: m.snippet,
    bodyText: plainText(m),
    labelIds: m.labelIds,
    historyId: m.historyId || null,
  };
}

function firstAddress(header: string): { name: string; address: string } | null {
  if (!header) return null;
  const found = addressparser(header, { flatten: true }).find((a) => a.address.includes('@'));
  return found ?? null;
}

function plainText(m: GmailMessage): string | null {
  const text =
    m.text ??
    (m.html !== null
      ? htmlToText(m.html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] })
      : null);
  return text === null ? null : text.slice(0, MAX_BODY_CHARS);
}
