// Google Calendars as the API presents them: events, a change log that incremental lists
// (syncToken) read, and push channels (events.watch). Every change gets the next number of the
// calendar's change log; a sync token stands for "everything up to change N" of one generation of
// that calendar, and expiring the tokens starts a new generation, so every older token answers
// 410 Gone (Google invalidates tokens after a while, or when access to the calendar changes).
import { createHash, randomBytes } from 'node:crypto';

export interface EventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface StoredEvent {
  kind: 'calendar#event';
  etag: string;
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  htmlLink: string;
  created: string;
  updated: string;
  summary?: string;
  description?: string;
  location?: string;
  creator: { email: string; self: true };
  organizer: { email: string; self: true };
  start: EventTime;
  end: EventTime;
  iCalUID: string;
  sequence: number;
  attendees?: { email: string; displayName?: string; responseStatus: string }[];
  transparency?: 'opaque' | 'transparent';
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
  reminders: { useDefault: boolean };
  eventType: 'default';
}

export interface WatchChannel {
  id: string;
  /** Echoed in X-Goog-Channel-Token on every notification; null when the watch gave none. */
  token: string | null;
  address: string;
  /** ms since the epoch; no notification goes out after it. */
  expiration: number;
  resourceId: string;
  resourceUri: string;
  /** The calendar's owner (its primary calendar id). */
  calendar: string;
  /** The number of the last notification sent (the `sync` one is 1). */
  messageNumber: number;
  /** Deliveries of one channel go out one after the other, in message-number order. */
  queue: Promise<unknown>;
}

export class SandboxCalendar {
  readonly events = new Map<string, StoredEvent>();
  /** Event id → the change number of its latest change. */
  private readonly changedAt = new Map<string, number>();
  private changes = 0;
  private generation = 1;
  /** Ties tokens to this calendar: another calendar's token is as unknown as a forged one. */
  private readonly salt = randomBytes(6).toString('hex');
  /** Google's opaque id of the watched collection (this calendar's events): stable per calendar. */
  readonly resourceId: string;

  constructor(readonly owner: string) {
    this.resourceId = createHash('sha256').update(`events:${owner}`).digest('base64url').slice(0, 27);
  }

  /** Logs a change (created, moved, deleted): it is in every incremental list after the current token. */
  changed(event: StoredEvent): void {
    this.changes += 1;
    this.changedAt.set(event.id, this.changes);
  }

  /** The change number of the event's latest change (0 for an event never changed). */
  changeNumber(eventId: string): number {
    return this.changedAt.get(eventId) ?? 0;
  }

  /** The number of the latest change. */
  get head(): number {
    return this.changes;
  }

  syncToken(upTo: number = this.changes): string {
    return Buffer.from(`${this.salt}.${this.generation}.${upTo}`).toString('base64url');
  }

  /** The change number a token stands for; null for a token of another generation, calendar or none. */
  tokenPosition(token: string): number | null {
    const [salt, generation, position] = Buffer.from(token, 'base64url').toString('utf8').split('.');
    if (salt !== this.salt || Number(generation) !== this.generation || !/^\d+$/.test(position ?? '')) return null;
    const n = Number(position);
    return n <= this.changes ? n : null;
  }

  /** Events whose latest change is after `after` and at most `upTo`, in change order. */
  changedBetween(after: number, upTo: number): StoredEvent[] {
    return [...this.changedAt.entries()]
      .filter(([, n]) => n > after && n <= upTo)
      .sort((a, b) => a[1] - b[1])
      .flatMap(([id]) => {
        const event = this.events.get(id);
        return event ? [event] : [];
      });
  }

  /** Every sync token handed out so far answers 410 from now on. */
  expireSyncTokens(): void {
    this.generation += 1;
  }
}

export class CalendarStore {
  private readonly calendars = new Map<string, SandboxCalendar>();
  /** Channel ids are unique per Google Cloud project, not per calendar. */
  readonly channels = new Map<string, WatchChannel>();

  calendar(owner: string): SandboxCalendar {
    const key = owner.trim().toLowerCase();
    let calendar = this.calendars.get(key);
    if (!calendar) {
      calendar = new SandboxCalendar(key);
      this.calendars.set(key, calendar);
    }
    return calendar;
  }

  events(owner: string): Map<string, StoredEvent> {
    return this.calendar(owner).events;
  }

  /** The calendar's channels that have not expired (expired ones are forgotten, as Google does). */
  liveChannels(owner: string, now = Date.now()): WatchChannel[] {
    const key = owner.trim().toLowerCase();
    const live: WatchChannel[] = [];
    for (const channel of this.channels.values()) {
      if (channel.expiration <= now) this.channels.delete(channel.id);
      else if (channel.calendar === key) live.push(channel);
    }
    return live;
  }
}
