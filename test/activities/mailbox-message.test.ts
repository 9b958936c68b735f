// How a Gmail message (as the provider layer reads it) becomes a stored inbound message.
import { isInbound, MAX_BODY_CHARS, toInboundMessage } from '../../src/activities/mailbox-message';
import type { GmailMessage } from '../../src/providers/google/gmail';

const MAILBOX = '6f1c2a8e-4b7d-4e0a-9c55-0d3b8f1e2a77';

function gmailMessage(overrides: Partial<GmailMessage> = {}): GmailMessage {
  return {
    id: '18c0ffee',
    threadId: '18c0ffee',
    labelIds: ['INBOX', 'UNREAD'],
    historyId: '123456',
    internalDate: new Date('2026-11-20T10:15:00.000Z'),
    snippet: 'Hi, can I book',
    headers: {
      from: '"Lovelace, Ada" <Ada@Client.Example>',
      to: 'Salon <front@salon.example>, owner@salon.example',
      cc: 'friend@client.example',
      subject: 'Booking',
      date: 'Thu, 20 Nov 2026 10:14:58 +0000',
      'message-id': '<abc@client.example>',
      'in-reply-to': '<prev@salon.example>',
      references: '<first@salon.example> <prev@salon.example>',
    },
    text: 'Hi, can I book Tuesday?',
    html: null,
    raw: null,
    ...overrides,
  };
}

describe('isInbound', () => {
  it('leaves out our own sent mail, drafts, spam and trash', () => {
    expect(isInbound(['INBOX', 'UNREAD', 'CATEGORY_PERSONAL'])).toBe(true);
    expect(isInbound([])).toBe(true);
    for (const label of ['SENT', 'DRAFT', 'SPAM', 'TRASH']) expect(isInbound(['INBOX', label])).toBe(false);
  });
});

describe('toInboundMessage', () => {
  it('keeps the ids, the RFC threading headers and the sender split into name and lower-cased address', () => {
    expect(toInboundMessage(MAILBOX, gmailMessage())).toEqual({
      mailboxId: MAILBOX,
      gmailMessageId: '18c0ffee',
      gmailThreadId: '18c0ffee',
      rfcMessageId: '<abc@client.example>',
      inReplyTo: '<prev@salon.example>',
      references: '<first@salon.example> <prev@salon.example>',
      fromHeader: '"Lovelace, Ada" <Ada@Client.Example>',
      fromEmail: 'ada@client.example',
      fromName: 'Lovelace, Ada',
      toHeader: 'Salon <front@salon.example>, owner@salon.example',
      ccHeader: 'friend@client.example',
      subject: 'Booking',
      sentAt: new Date('2026-11-20T10:14:58.000Z'),
      receivedAt: new Date('2026-11-20T10:15:00.000Z'),
      snippet: 'Hi, can I book',
      bodyText: 'Hi, can I book Tuesday?',
      labelIds: ['INBOX', 'UNREAD'],
      historyId: '123456',
    });
  });

  it('turns an HTML-only body into text', () => {
    const m = toInboundMessage(
      MAILBOX,
      gmailMessage({
        text: null,
        html: '<html><body><p>Hello <b>there</b>,</p><p>Tuesday at <i>10</i>?</p><img src="cid:x"></body></html>',
      }),
    );
    expect(m.bodyText).toBe('Hello there,\n\nTuesday at 10?');
  });

  it('copes with missing or broken headers', () => {
    const m = toInboundMessage(
      MAILBOX,
      gmailMessage({ headers: { from: 'not an address', date: 'yesterday-ish' }, text: null, historyId: '' }),
    );
    expect(m).toMatchObject({
      fromHeader: 'not an address',
      fromEmail: null,
      fromName: null,
      toHeader: '',
      ccHeader: null,
      subject: '',
      rfcMessageId: null,
      sentAt: null,
      receivedAt: new Date('2026-11-20T10:15:00.000Z'),
      bodyText: null,
      historyId: null,
    });
  });

  it('cuts a huge body', () => {
    const m = toInboundMessage(MAILBOX, gmailMessage({ text: 'x'.repeat(MAX_BODY_CHARS + 10) }));
    expect(m.bodyText).toHaveLength(MAX_BODY_CHARS);
  });
});
