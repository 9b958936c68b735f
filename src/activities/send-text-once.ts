// Sending one SMS at most once across activity attempts. Twilio has no idempotency key, so when
// a create's answer is lost (a 5xx, a timeout, a worker killed mid-call) the text may or may
// not have gone. Such a failure is retried, and every attempt after the first first asks Twilio
// for a message to that number with exactly that body since the activity was first scheduled:
// found means sent, and nothing goes out twice.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { UpstreamError } from '../errors';
import type { SentSms, Sms } from '../providers/twilio';
import { asTemporalFailure } from './temporal-failure';

export interface TextToSend {
  to: string;
  body: string;
  statusCallback?: string;
}

/**
 * Resolves with the message (recovered: found from an earlier attempt). A permanent Twilio
 * error is thrown as the UpstreamError for the caller to record; an ambiguous or retryable one
 * leaves as a retryable Temporal failure.
 */
export async function sendTextOnce(
  sms: Pick<Sms, 'send' | 'findSent'>,
  text: TextToSend,
): Promise<SentSms & { recovered: boolean }> {
  const earlier = await sentByEarlierAttempt(sms, text);
  if (earlier) return { ...earlier, recovered: true };
  try {
    return { ...(await sms.send(text)), recovered: false };
  } catch (err) {
    if (err instanceof UpstreamError && err.code === 'maybe_sent') {
      throw ApplicationFailure.create({
        message: `maybe_sent: ${err.message}; the next try looks for it before sending`,
        type: 'maybe_sent',
        nonRetryable: false,
      });
    }
    if (err instanceof UpstreamError && !err.retryable) throw err;
    return asTemporalFailure(err);
  }
}

/** On an attempt after the first: the text, if an earlier attempt of this activity sent it. */
export async function sentByEarlierAttempt(
  sms: Pick<Sms, 'findSent'>,
  text: Pick<TextToSend, 'to' | 'body'>,
): Promise<SentSms | null> {
  const info = Context.current().info;
  if (info.attempt <= 1) return null;
  // Twilio's dates have whole seconds and clocks differ a little: look from a minute before.
  const since = new Date(info.scheduledTimestampMs - 60_000);
  return sms.findSent({ to: text.to, body: text.body, since }).catch(asTemporalFailure);
}

/**
 * Where Twilio reports a text's delivery: the API's public status route, with our own ids in the
 * query (Twilio signs the whole URL), so a callback that arrives before we stored the SID still
 * finds its text.
 */
export function smsStatusCallbackUrl(publicBaseUrl: string, ids: Record<string, string>): string {
  return `${publicBaseUrl}/api/sms/status?${new URLSearchParams(ids).toString()}`;
}
