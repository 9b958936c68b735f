// Calendar push notifications as Google sends them: a POST with an empty body to the channel's
// address, everything in X-Goog-* headers. `sync` once when the channel is made, then `exists`
// after each change of the watched calendar. Numbers grow by one per channel, and one channel's
// notifications arrive in order.
import type { WatchChannel } from './calendar-store';
import type { Sandbox } from './context';
import { deliver } from './deliver';

export interface PushResult {
  channelId: string;
  messageNumber: number;
  /** The receiver's HTTP status; 0 when it could not be reached. */
  status: number;
  error?: string;
}

export function pushNotification(sb: Sandbox, channel: WatchChannel, state: 'sync' | 'exists'): Promise<PushResult> {
  channel.messageNumber += 1;
  const messageNumber = channel.messageNumber;
  const headers: Record<string, string> = {
    'User-Agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
    'X-Goog-Channel-ID': channel.id,
    'X-Goog-Channel-Expiration': new Date(channel.expiration).toUTCString(),
    'X-Goog-Resource-ID': channel.resourceId,
    'X-Goog-Resource-URI': channel.resourceUri,
    'X-Goog-Resource-State': state,
    'X-Goog-Message-Number': String(messageNumber),
    ...(channel.token !== null ? { 'X-Goog-Channel-Token': channel.token } : {}),
  };
  const delivery = channel.queue.then(async (): Promise<PushResult> => {
    const result = await deliver(sb.records, 'calendar-push', channel.address, { headers, body: '' });
    return {
      channelId: channel.id,
      messageNumber,
      status: result.status,
      ...(result.error ? { error: result.error } : {}),
    };
  });
  channel.queue = delivery;
  return delivery;
}

/** An `exists` notification on every live channel of the calendar. */
export function notifyWatchers(sb: Sandbox, calendar: string): Promise<PushResult[]> {
  return Promise.all(sb.calendar.liveChannels(calendar).map((channel) => pushNotification(sb, channel, 'exists')));
}
