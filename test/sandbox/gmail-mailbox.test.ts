// The sandbox mailbox's history rules: ids only grow, unevenly; old ids fall off and are refused.
import { HISTORY_LIMIT, Mailbox } from '../../src/sandbox/gmail-mailbox';
import type { ParsedMail } from '../../src/sandbox/mime';

const mail = (messageId: string, extra: Partial<ParsedMail> = {}): ParsedMail => ({
  headers: [],
  from: 'a@example.com',
  to: 'owner@example.com',
  cc: '',
  subject: 's',
  messageId,
  inReplyTo: null,
  references: [],
  text: 't',
  html: null,
  date: new Date(),
  ...extra,
});

describe('Mailbox history', () => {
  it('advances history ids monotonically and not one by one', () => {
    const box = new Mailbox('owner@example.com');
    const start = box.historyId;
    const ids = Array.from(
      { length: 10 },
      (_, i) => box.add({ raw: Buffer.from('x'), mail: mail(`<${i}@t>`), labelIds: ['INBOX'] }).historyId,
    );
    const steps = ids.map((id, i) => id - (i === 0 ? start : ids[i - 1]!));
    expect(steps.every((s) => s >= 1)).toBe(true);
    expect(new Set(steps).size).toBeGreaterThan(1);
    expect(box.historySince(start)!.map((m) => m.historyId)).toEqual(ids);
    expect(box.historySince(ids[4]!)!.map((m) => m.historyId)).toEqual(ids.slice(5));
  });

  it('refuses a start id older than what it keeps', () => {
    const box = new Mailbox('busy@example.com');
    const start = box.historyId;
    const first = box.add({ raw: Buffer.from('x'), mail: mail('<first@t>'), labelIds: ['INBOX'] });
    for (let i = 0; i < HISTORY_LIMIT; i++)
      box.add({ raw: Buffer.from('x'), mail: mail(`<${i}@t>`), labelIds: ['INBOX'] });
    expect(box.historySince(start)).toBeNull();
    expect(box.historySince(first.historyId)).toHaveLength(HISTORY_LIMIT);
    box.expireHistory();
    expect(box.historySince(first.historyId)).toBeNull();
    expect(box.historySince(box.historyId)).toEqual([]);
  });

  it('threads a reply by In-Reply-To when no thread id is given, and by a known thread id', () => {
    const box = new Mailbox('owner@example.com');
    const parent = box.add({ raw: Buffer.from('x'), mail: mail('<p@t>'), labelIds: ['INBOX'] });
    expect(
      box.add({ raw: Buffer.from('x'), mail: mail('<r@t>', { inReplyTo: '<p@t>' }), labelIds: ['SENT'] }).threadId,
    ).toBe(parent.threadId);
    expect(
      box.add({ raw: Buffer.from('x'), mail: mail('<q@t>'), labelIds: ['SENT'], threadId: parent.threadId }).threadId,
    ).toBe(parent.threadId);
    const unrelated = box.add({
      raw: Buffer.from('x'),
      mail: mail('<u@t>'),
      labelIds: ['SENT'],
      threadId: 'ffffffffffffffff',
    });
    expect(unrelated.threadId).toBe(unrelated.id);
  });
});
