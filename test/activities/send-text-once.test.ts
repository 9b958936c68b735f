// sendTextOnce in an activity context (Temporal's MockActivityEnvironment), over a fake of the
// narrow Sms interface: what each attempt does, and how each failure leaves the activity. The
// same path through the real SDK and the sandbox is in test/api/sms.e2e.test.ts.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sendTextOnce, smsStatusCallbackUrl } from '../../src/activities/send-text-once';
import { UpstreamError } from '../../src/errors';
import type { SentSms, Sms } from '../../src/providers/twilio';

const TEXT = { to: '+14155550100', body: 'Your appointment is tomorrow at 10:00.' };
const SENT: SentSms = { sid: 'SM1', status: 'queued', to: TEXT.to, from: '+15005550006' };

function fakeSms(behaviour: { send?: () => Promise<SentSms>; found?: SentSms | null }) {
  const calls: string[] = [];
  const sms: Pick<Sms, 'send' | 'findSent'> = {
    async send() {
      calls.push('send');
      return behaviour.send ? behaviour.send() : SENT;
    },
    async findSent(input) {
      calls.push(`findSent since ${input.since.toISOString()}`);
      return behaviour.found ?? null;
    },
  };
  return { sms, calls };
}

const twilioError = (code: string, retryable: boolean) =>
  new UpstreamError(`twilio messages.create failed: ${code}`, {
    provider: 'twilio',
    code,
    retryable,
    ...(code === 'maybe_sent' ? { ambiguous: true } : {}),
  });

async function attempt<T>(n: number, fn: () => Promise<T>): Promise<T> {
  return new MockActivityEnvironment({ attempt: n, scheduledTimestampMs: Date.parse('2026-11-26T10:00:00Z') }).run(fn);
}

it('the first attempt sends without looking', async () => {
  const { sms, calls } = fakeSms({});
  expect(await attempt(1, () => sendTextOnce(sms, TEXT))).toEqual({ ...SENT, recovered: false });
  expect(calls).toEqual(['send']);
});

it('a later attempt looks first, from a minute before the activity was first scheduled, and a hit is not sent again', async () => {
  const { sms, calls } = fakeSms({ found: { ...SENT, sid: 'SMfound' } });
  expect(await attempt(2, () => sendTextOnce(sms, TEXT))).toEqual({ ...SENT, sid: 'SMfound', recovered: true });
  expect(calls).toEqual(['findSent since 2026-11-26T09:59:00.000Z']);
});

it('a later attempt that finds nothing sends', async () => {
  const { sms, calls } = fakeSms({ found: null });
  expect(await attempt(3, () => sendTextOnce(sms, TEXT))).toMatchObject({ sid: 'SM1', recovered: false });
  expect(calls).toEqual(['findSent since 2026-11-26T09:59:00.000Z', 'send']);
});

it('a lost answer (maybe_sent) leaves as a retryable failure, so the next attempt looks before sending', async () => {
  const { sms } = fakeSms({ send: () => Promise.reject(twilioError('maybe_sent', false)) });
  const err = await attempt(1, () => sendTextOnce(sms, TEXT)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err).toMatchObject({ type: 'maybe_sent', nonRetryable: false });
});

it('a retryable error is a retryable failure; a permanent one is thrown as is for the caller to record', async () => {
  const retryable = await attempt(1, () =>
    sendTextOnce(fakeSms({ send: () => Promise.reject(twilioError('rate_limited', true)) }).sms, TEXT),
  ).catch((e: unknown) => e);
  expect(retryable).toMatchObject({ type: 'rate_limited', nonRetryable: false });
  const permanent = await attempt(1, () =>
    sendTextOnce(fakeSms({ send: () => Promise.reject(twilioError('recipient_opted_out', false)) }).sms, TEXT),
  ).catch((e: unknown) => e);
  expect(permanent).toBeInstanceOf(UpstreamError);
  expect(permanent).toMatchObject({ code: 'recipient_opted_out' });
});

it('the status callback URL names our ids in its query', () => {
  expect(smsStatusCallbackUrl('https://api.example.com', { tenantId: 't1', smsId: 's1' })).toBe(
    'https://api.example.com/api/sms/status?tenantId=t1&smsId=s1',
  );
});
