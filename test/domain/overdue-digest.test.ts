import {
  OVERDUE_DIGEST_MAX_LISTED,
  overdueDigestDue,
  overdueDigestMessage,
  type OverdueInvoiceLine,
} from '../../src/domain/overdue-digest';

describe('overdueDigestDue', () => {
  it('is not due before 08:00 in the business zone, and due from 08:00 on that day', () => {
    // 06:59Z is 07:59 in Paris (CET): not yet; 07:00Z is 08:00.
    expect(
      overdueDigestDue({ timeZone: 'Europe/Paris', now: new Date('2027-01-15T06:59:00Z'), lastDigestDate: null }),
    ).toBeNull();
    expect(
      overdueDigestDue({ timeZone: 'Europe/Paris', now: new Date('2027-01-15T07:00:00Z'), lastDigestDate: null }),
    ).toEqual({
      localDate: '2027-01-15',
      cutoff: '2027-01-15T07:00:00.000Z',
    });
  });

  it('is still due later that day when the 08:00 pass was missed (an outage), with the same cutoff', () => {
    expect(
      overdueDigestDue({
        timeZone: 'Europe/Paris',
        now: new Date('2027-01-15T15:00:00Z'),
        lastDigestDate: '2027-01-14',
      }),
    ).toEqual({
      localDate: '2027-01-15',
      cutoff: '2027-01-15T07:00:00.000Z',
    });
  });

  it('is not due twice on one local day', () => {
    expect(
      overdueDigestDue({
        timeZone: 'Europe/Paris',
        now: new Date('2027-01-15T09:00:00Z'),
        lastDigestDate: '2027-01-15',
      }),
    ).toBeNull();
  });

  it("reads the day in the business's zone, not UTC's", () => {
    // 23:30Z on the 15th is already 08:30 on the 16th in Tokyo, and 18:30 on the 15th in New York.
    const now = new Date('2027-01-15T23:30:00Z');
    expect(overdueDigestDue({ timeZone: 'Asia/Tokyo', now, lastDigestDate: '2027-01-15' })).toEqual({
      localDate: '2027-01-16',
      cutoff: '2027-01-15T23:00:00.000Z',
    });
    expect(overdueDigestDue({ timeZone: 'America/New_York', now, lastDigestDate: '2027-01-15' })).toBeNull();
    // Half-hour zones: 08:00 in Kolkata is 02:30Z.
    expect(
      overdueDigestDue({ timeZone: 'Asia/Kolkata', now: new Date('2027-01-16T02:30:00Z'), lastDigestDate: null })
        ?.cutoff,
    ).toBe('2027-01-16T02:30:00.000Z');
  });

  it('keeps 08:00 local across a daylight-saving change', () => {
    // New York springs forward on 2027-03-14: 08:00 is 13:00Z the day before and 12:00Z that day.
    expect(
      overdueDigestDue({ timeZone: 'America/New_York', now: new Date('2027-03-13T13:00:00Z'), lastDigestDate: null })
        ?.cutoff,
    ).toBe('2027-03-13T13:00:00.000Z');
    expect(
      overdueDigestDue({
        timeZone: 'America/New_York',
        now: new Date('2027-03-14T11:59:00Z'),
        lastDigestDate: '2027-03-13',
      }),
    ).toBeNull();
    expect(
      overdueDigestDue({
        timeZone: 'America/New_York',
        now: new Date('2027-03-14T12:00:00Z'),
        lastDigestDate: '2027-03-13',
      })?.cutoff,
    ).toBe('2027-03-14T12:00:00.000Z');
  });

  it('refuses a zone the tz database does not know', () => {
    expect(() => overdueDigestDue({ timeZone: 'Mars/Olympus', now: new Date(), lastDigestDate: null })).toThrow(
      /time zone/,
    );
  });
});

const line = (n: number, over: Partial<OverdueInvoiceLine> = {}): OverdueInvoiceLine => ({
  clientName: `Client ${n}`,
  amountCents: 12_500,
  currency: 'usd',
  dueDate: '2027-01-10',
  description: `Colour and cut ${n}`,
  ...over,
});

describe('overdueDigestMessage', () => {
  it('lists each invoice with its client, amount, due date and description, and counts and totals them', () => {
    const message = overdueDigestMessage({
      businessName: 'Studio Nine',
      localDate: '2027-01-15',
      invoices: [
        line(1),
        line(2, { amountCents: 4_000, dueDate: '2027-01-12', description: 'Trim' }),
        line(3, { clientName: 'Ada Client' }),
      ],
    });
    expect(message.subject).toBe('3 invoices overdue, $290.00');
    expect(message.text).toContain('3 invoices of Studio Nine became overdue since the last digest, $290.00 in all:');
    expect(message.text).toContain('- Client 1: $125.00, due 2027-01-10 (Colour and cut 1)');
    expect(message.text).toContain('- Client 2: $40.00, due 2027-01-12 (Trim)');
    expect(message.text).toContain('- Ada Client: $125.00, due 2027-01-10 (Colour and cut 3)');
    expect(message.text).toContain('no more automatic reminders will be sent for them');
  });

  it('speaks of one invoice in the singular', () => {
    const message = overdueDigestMessage({ businessName: 'Studio Nine', localDate: '2027-01-15', invoices: [line(1)] });
    expect(message.subject).toBe('1 invoice overdue, $125.00');
    expect(message.text).toContain('1 invoice of Studio Nine became overdue');
    expect(message.text).toContain('sent for it.');
  });

  it('totals each currency on its own', () => {
    const message = overdueDigestMessage({
      businessName: 'Studio Nine',
      localDate: '2027-01-15',
      invoices: [
        line(1, { currency: 'eur', amountCents: 8_000 }),
        line(2),
        line(3, { currency: 'jpy', amountCents: 5_000 }),
        line(4),
      ],
    });
    expect(message.subject).toBe('4 invoices overdue, $250.00 + €80.00 + ¥5,000');
  });

  it('lists the first ones of a long digest and counts the rest, with the count and total of all', () => {
    const invoices = Array.from({ length: 5_000 }, (_, n) => line(n));
    const message = overdueDigestMessage({ businessName: 'Studio Nine', localDate: '2027-01-15', invoices });
    expect(message.subject).toBe('5,000 invoices overdue, $625,000.00');
    expect(message.text.split('\n').filter((l) => l.startsWith('- Client '))).toHaveLength(OVERDUE_DIGEST_MAX_LISTED);
    expect(message.text).toContain(
      `- and ${(5_000 - OVERDUE_DIGEST_MAX_LISTED).toLocaleString('en-US')} more invoices`,
    );
    const oneMore = overdueDigestMessage({
      businessName: 'S',
      localDate: '2027-01-15',
      invoices: invoices.slice(0, OVERDUE_DIGEST_MAX_LISTED + 1),
    });
    expect(oneMore.text).toContain('- and 1 more invoice (');
  });

  it('is never made for no invoice', () => {
    expect(() =>
      overdueDigestMessage({ businessName: 'Studio Nine', localDate: '2027-01-15', invoices: [] }),
    ).toThrow();
  });
});
