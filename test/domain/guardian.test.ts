import {
  emailCheck,
  findingKey,
  isOwnOutboxMessage,
  nextPassDue,
  watchNeedsRenewal,
  worstStatus,
} from '../../src/domain/guardian';
import { unsafeThreadAlertMessage } from '../../src/domain/guardian-alert';
import { rfcMessageId } from '../../src/domain/email';

const MIN = 60_000;

describe('nextPassDue', () => {
  it('keeps the cadence of the first pass', () => {
    expect(nextPassDue(0, 5 * MIN, 20_000)).toBe(5 * MIN);
  });

  it('skips the slots a long pass or a pause overran instead of catching up in a burst', () => {
    expect(nextPassDue(0, 5 * MIN, 5 * MIN)).toBe(10 * MIN);
    expect(nextPassDue(0, 5 * MIN, 23 * MIN)).toBe(25 * MIN);
  });
});

describe('watchNeedsRenewal', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  it('renews a missing watch, one inside the window, and one already lapsed', () => {
    expect(watchNeedsRenewal(null, now, 24 * 60 * MIN)).toBe(true);
    expect(watchNeedsRenewal(new Date('2026-12-01T23:00:00Z'), now, 24 * 60 * MIN)).toBe(true);
    expect(watchNeedsRenewal(new Date('2026-11-30T00:00:00Z'), now, 24 * 60 * MIN)).toBe(true);
  });
  it('leaves a watch with more than the window left', () => {
    expect(watchNeedsRenewal(new Date('2026-12-03T00:00:00Z'), now, 24 * 60 * MIN)).toBe(false);
  });
});

describe('emailCheck', () => {
  const base = { stuck: 0, oldestStuckMinutes: null, failed: 0, windowHours: 24, failedThreshold: 3, stuckMinutes: 30 };
  it('is ok with nothing failed or stuck', () => {
    expect(emailCheck(base)).toEqual({ name: 'emails', status: 'ok', detail: 'No failed or stuck emails' });
  });
  it('warns below the failure threshold and on stuck sends', () => {
    expect(emailCheck({ ...base, failed: 2 })).toEqual({
      name: 'emails',
      status: 'warn',
      detail: '2 emails failed in the last 24 h',
    });
    expect(emailCheck({ ...base, stuck: 1, oldestStuckMinutes: 95 })).toEqual({
      name: 'emails',
      status: 'warn',
      detail: '1 queued or sending for more than 30 min (oldest 95 min)',
    });
  });
  it('fails at the threshold, and says which threshold', () => {
    expect(emailCheck({ ...base, failed: 3, stuck: 2, oldestStuckMinutes: 40 })).toEqual({
      name: 'emails',
      status: 'fail',
      detail:
        '3 emails failed in the last 24 h; 2 queued or sending for more than 30 min (oldest 40 min) (threshold 3)',
    });
  });
});

it('worstStatus picks what needs attention first', () => {
  expect(worstStatus(['ok', 'warn', 'ok'])).toBe('warn');
  expect(worstStatus(['warn', 'fail'])).toBe('fail');
  expect(worstStatus([])).toBe('ok');
});

it('knows the outbox Message-IDs, and no other', () => {
  expect(isOwnOutboxMessage(rfcMessageId('5b0c7c1e-3d59-4d7e-9a57-0d5a2a6f1e10'))).toBe(true);
  expect(isOwnOutboxMessage('<CAF=abc@mail.gmail.com>')).toBe(false);
  expect(isOwnOutboxMessage('<x@frontdesk.mail.evil.example>')).toBe(false);
  expect(isOwnOutboxMessage(null)).toBe(false);
});

it('names an opening of a finding by its id and flaggedAt, so a reopening is a new one', () => {
  const id = '5b0c7c1e-3d59-4d7e-9a57-0d5a2a6f1e10';
  expect(findingKey({ id, flaggedAt: '2026-12-01T10:00:00.123456Z' })).not.toBe(
    findingKey({ id, flaggedAt: '2026-12-02T10:00:00.000001Z' }),
  );
});

it('writes an alert that says what, how serious, why, and how to resolve it, without quoting the message', () => {
  const alert = unsafeThreadAlertMessage({
    businessName: 'Lantern Nails',
    category: 'threat',
    severity: 'high',
    reason: 'The sender says they know where the owner lives.',
    subject: 'Saturday',
    from: 'Rex <rex@client.example>',
    threadId: 't-1',
    unsafeThreadId: 'u-1',
    publicBaseUrl: 'https://frontdesk.example',
  });
  expect(alert.subject).toBe('Guardian: a threat in "Saturday"');
  expect(alert.text).toContain('a threat (high severity) in an email from Rex <rex@client.example>');
  expect(alert.text).toContain('Why: The sender says they know where the owner lives.');
  expect(alert.text).toContain('https://frontdesk.example/api/unsafe-threads/u-1/resolve');
  expect(alert.sms.length).toBeLessThanOrEqual(320);
  expect(alert.sms).toContain('Auto-replies paused');
});
