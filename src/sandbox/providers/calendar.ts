// Google Calendar API v3 on the primary calendar of the mailbox whose access token is presented:
// events insert/get/patch/update/delete, list (full, or incremental with a syncToken: changed
// events including deleted ones, 410 Gone once a token is no longer valid), freeBusy.query,
// events.watch and channels.stop, with push notifications to the watching channels after every
// change. The control routes play what the calendar's owner does in Calendar itself.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { jsonBody, str } from '../body';
import { notifyWatchers, pushNotification, type PushResult } from '../calendar-push';
import type { EventTime, SandboxCalendar, StoredEvent, WatchChannel } from '../calendar-store';
import type { Sandbox } from '../context';
import type { Mailbox } from '../gmail-mailbox';
import { authorizedMailbox, googleFail } from './gmail';

const CLIENT_ID = /^[a-v0-9]{5,1024}$/;
const CHANNEL_ID = /^[A-Za-z0-9\-_+/=]{1,64}$/;
const DAY_MS = 86_400_000;
/** A channel lasts a week unless the watch asks for less; longer requests are cut to 30 days. */
const CHANNEL_DEFAULT_MS = 7 * DAY_MS;
const CHANNEL_MAX_MS = 30 * DAY_MS;
/** Parameters Google refuses beside a syncToken: the token already carries the original query. */
const SYNC_RESTRICTIONS = [
  'timeMin',
  'timeMax',
  'orderBy',
  'q',
  'updatedMin',
  'iCalUID',
  'privateExtendedProperty',
  'sharedExtendedProperty',
];

export function calendarRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/calendar/v3' });

  router.use(async (ctx, next) => {
    const mailbox = authorizedMailbox(sb, ctx);
    if (!mailbox) return;
    ctx.state.mailbox = mailbox;
    await next();
  });

  /** The calendar, or a 404 for a calendar this account cannot see. */
  const calendarOf = (ctx: Context): SandboxCalendar | null => {
    const box = ctx.state.mailbox as Mailbox;
    const id = ctx.params.calendarId ?? '';
    if (id !== 'primary' && id.toLowerCase() !== box.email) {
      googleFail(ctx, 404, 'Not Found', 'notFound');
      return null;
    }
    return sb.calendar.calendar(box.email);
  };

  router.post('/calendars/:calendarId/events/watch', async (ctx) => {
    const calendar = calendarOf(ctx);
    if (!calendar) return;
    const body = await jsonBody(ctx);
    const id = str(body.id);
    if (!id || !CHANNEL_ID.test(id))
      return googleFail(ctx, 400, 'Invalid channel id: it must match [A-Za-z0-9\\-_\\+/=]{1,64}.', 'invalid');
    if (body.type !== 'web_hook' && body.type !== 'webhook')
      return googleFail(ctx, 400, `Unknown channel type: ${String(body.type)}`, 'invalid');
    const address = str(body.address);
    if (!address || !/^https?:\/\/[^\s/]+/.test(address))
      return googleFail(ctx, 400, 'Invalid channel address.', 'invalid');
    const token = body.token === undefined || body.token === null ? null : str(body.token);
    if (token === undefined || (token !== null && token.length > 256))
      return googleFail(ctx, 400, 'Invalid channel token.', 'invalid');
    const existing = sb.calendar.channels.get(id);
    if (existing && existing.expiration > Date.now())
      return googleFail(ctx, 400, `Channel id ${id} not unique`, 'channelIdNotUnique');
    const now = Date.now();
    const requested =
      body.expiration === undefined || body.expiration === null ? now + CHANNEL_DEFAULT_MS : Number(body.expiration);
    if (!Number.isFinite(requested) || requested <= now)
      return googleFail(ctx, 400, 'Invalid expiration: it must be a future time in ms.', 'invalid');
    const owner = calendar.owner;
    const channel: WatchChannel = {
      id,
      token,
      address,
      expiration: Math.min(Math.floor(requested), now + CHANNEL_MAX_MS),
      resourceId: calendar.resourceId,
      resourceUri: `${sb.baseUrl}/calendar/v3/calendars/${encodeURIComponent(owner)}/events?alt=json`,
      calendar: owner,
      messageNumber: 0,
      queue: Promise.resolve(),
    };
    sb.calendar.channels.set(id, channel);
    sb.records.sent('calendar', {
      operation: 'watch',
      calendarId: owner,
      channelId: id,
      address,
      expiration: new Date(channel.expiration).toISOString(),
    });
    // Google confirms a new channel with a `sync` notification, sent once the watch has answered.
    ctx.res.once('finish', () => void pushNotification(sb, channel, 'sync'));
    ctx.body = {
      kind: 'api#channel',
      id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(token !== null ? { token } : {}),
      expiration: String(channel.expiration),
    };
  });

  router.post('/channels/stop', async (ctx) => {
    const box = ctx.state.mailbox as Mailbox;
    const body = await jsonBody(ctx);
    const id = str(body.id);
    const resourceId = str(body.resourceId);
    if (!id || !resourceId) return googleFail(ctx, 400, 'Required: id and resourceId.', 'required');
    const channel = sb.calendar.channels.get(id);
    if (
      !channel ||
      channel.resourceId !== resourceId ||
      channel.calendar !== box.email ||
      channel.expiration <= Date.now()
    ) {
      return googleFail(ctx, 404, `Channel '${id}' not found for project 'frontdesk-sandbox'`, 'notFound');
    }
    sb.calendar.channels.delete(id);
    sb.records.sent('calendar', { operation: 'stop', calendarId: channel.calendar, channelId: id, resourceId });
    ctx.status = 204;
  });

  router.post('/calendars/:calendarId/events', async (ctx) => {
    const calendar = calendarOf(ctx);
    if (!calendar) return;
    const body = await jsonBody(ctx);
    const problem = validateTimes(body.start, body.end);
    if (problem) return googleFail(ctx, 400, problem, 'invalid');
    const id = str(body.id) ?? randomEventId();
    if (!CLIENT_ID.test(id)) return googleFail(ctx, 400, 'Invalid resource id value.', 'invalid');
    // Ids stay taken after a delete, as in Google Calendar: a retried insert can never make a second event.
    if (calendar.events.has(id)) return googleFail(ctx, 409, 'The requested identifier already exists.', 'duplicate');
    const event = newEvent(sb, calendar.owner, id, body.start as EventTime, body.end as EventTime);
    applyFields(event, body);
    calendar.events.set(id, event);
    changed(sb, calendar, event, 'insert');
    ctx.body = event;
  });

  router.get('/calendars/:calendarId/events/:eventId', (ctx) => {
    const calendar = calendarOf(ctx);
    if (!calendar) return;
    const event = calendar.events.get(ctx.params.eventId ?? '');
    if (!event) return googleFail(ctx, 404, 'Not Found', 'notFound');
    ctx.body = event;
  });

  for (const method of ['patch', 'put'] as const) {
    router[method]('/calendars/:calendarId/events/:eventId', async (ctx) => {
      const calendar = calendarOf(ctx);
      if (!calendar) return;
      const event = calendar.events.get(ctx.params.eventId ?? '');
      if (!event) return googleFail(ctx, 404, 'Not Found', 'notFound');
      const body = await jsonBody(ctx);
      const start = (body.start ?? (method === 'patch' ? event.start : undefined)) as EventTime | undefined;
      const end = (body.end ?? (method === 'patch' ? event.end : undefined)) as EventTime | undefined;
      const problem = validateTimes(start, end);
      if (problem) return googleFail(ctx, 400, problem, 'invalid');
      if (method === 'put') {
        delete event.summary;
        delete event.description;
        delete event.location;
        delete event.attendees;
        delete event.extendedProperties;
      }
      applyFields(event, body);
      event.start = start as EventTime;
      event.end = end as EventTime;
      if (event.status === 'cancelled' && body.status === undefined) event.status = 'confirmed';
      event.sequence += 1;
      changed(sb, calendar, event, method === 'patch' ? 'patch' : 'update');
      ctx.body = event;
    });
  }

  router.delete('/calendars/:calendarId/events/:eventId', (ctx) => {
    const calendar = calendarOf(ctx);
    if (!calendar) return;
    const event = calendar.events.get(ctx.params.eventId ?? '');
    if (!event) return googleFail(ctx, 404, 'Not Found', 'notFound');
    if (event.status === 'cancelled') return googleFail(ctx, 410, 'Resource has been deleted', 'deleted');
    event.status = 'cancelled';
    changed(sb, calendar, event, 'delete');
    ctx.status = 204;
  });

  router.get('/calendars/:calendarId/events', (ctx) => {
    const calendar = calendarOf(ctx);
    if (!calendar) return;
    const q = ctx.query;
    const size = Math.min(Math.max(Number(str(q.maxResults) ?? 250) || 250, 1), 2500);
    const page = decodePageToken(str(q.pageToken));
    if (page === 'invalid') return googleFail(ctx, 400, 'Invalid pageToken value.', 'invalid');
    const syncToken = str(q.syncToken);

    let items: StoredEvent[];
    let upTo: number;
    let next: PageCursor | null = null;
    if (syncToken !== undefined) {
      if (SYNC_RESTRICTIONS.some((p) => q[p] !== undefined)) {
        return googleFail(
          ctx,
          400,
          'Sync token cannot be used with other request restrictions.',
          'syncTokenWithRequestRestrictions',
        );
      }
      const after = calendar.tokenPosition(syncToken);
      if (after === null) return fullSyncRequired(ctx);
      // Pages of one pass read the changes up to where the first page stood, after the last one given.
      upTo = page?.upTo ?? calendar.head;
      const changes = calendar.changedBetween(page?.changeAfter ?? after, upTo);
      items = changes.slice(0, size);
      if (changes.length > size) next = { upTo, changeAfter: calendar.changeNumber(items[items.length - 1]!.id) };
    } else {
      const timeMin = str(q.timeMin);
      const timeMax = str(q.timeMax);
      const showDeleted = str(q.showDeleted) === 'true';
      upTo = page?.upTo ?? calendar.head;
      // Keyset paging on (start, id): an event that moves between pages cannot push another out of
      // the pass; the move itself is a change the next incremental list reports.
      const matching = [...calendar.events.values()]
        .filter((e) => showDeleted || e.status !== 'cancelled')
        .filter(
          (e) => (!timeMin || toMs(e.end) > Date.parse(timeMin)) && (!timeMax || toMs(e.start) < Date.parse(timeMax)),
        )
        .sort(byStartThenId)
        .filter((e) => !page?.startAfter || isAfter(e, page.startAfter));
      items = matching.slice(0, size);
      const last = items[items.length - 1];
      if (matching.length > size && last) next = { upTo, startAfter: [toMs(last.start), last.id] };
    }

    ctx.body = {
      kind: 'calendar#events',
      etag: etag(),
      summary: calendar.owner,
      updated: new Date().toISOString(),
      timeZone: 'UTC',
      accessRole: 'owner',
      defaultReminders: [{ method: 'popup', minutes: 30 }],
      ...(next ? { nextPageToken: encodePageToken(next) } : { nextSyncToken: calendar.syncToken(upTo) }),
      items: items.map(listed),
    };
  });

  router.post('/freeBusy', async (ctx) => {
    const box = ctx.state.mailbox as Mailbox;
    const body = await jsonBody(ctx);
    const timeMin = str(body.timeMin);
    const timeMax = str(body.timeMax);
    if (!timeMin || !timeMax || Number.isNaN(Date.parse(timeMin)) || Number.isNaN(Date.parse(timeMax))) {
      return googleFail(ctx, 400, 'Missing timeMin or timeMax.', 'required');
    }
    const from = Date.parse(timeMin);
    const to = Date.parse(timeMax);
    const items = Array.isArray(body.items) ? (body.items as { id?: unknown }[]) : [];
    const calendars: Record<string, unknown> = {};
    for (const item of items) {
      const id = typeof item.id === 'string' ? item.id : '';
      if (id !== 'primary' && id.toLowerCase() !== box.email) {
        calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
        continue;
      }
      calendars[id] = { busy: busyPeriods(sb.calendar.calendar(box.email), from, to) };
    }
    ctx.body = { kind: 'calendar#freeBusy', timeMin, timeMax, calendars };
  });

  return router;
}

const calendarIdField = z.string().min(3).max(254);
const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 instant');

const busySchema = z
  .object({ calendarId: calendarIdField, start: instant, end: instant, summary: z.string().max(500).optional() })
  .refine((b) => Date.parse(b.end) > Date.parse(b.start), { path: ['end'], message: 'must be after start' });

const ownerEditSchema = z
  .object({
    calendarId: calendarIdField,
    eventId: z.string().min(1),
    start: instant.optional(),
    end: instant.optional(),
    deleted: z.boolean().optional(),
  })
  .refine((e) => e.start !== undefined || e.end !== undefined || e.deleted === true, {
    path: ['start'],
    message: 'give start, end or deleted: true',
  });

export function calendarControlRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/_sandbox/calendar' });

  /** The events of a calendar as events.list shows them, by start; `showDeleted=true` adds deleted ones. */
  router.get('/events', (ctx) => {
    const calendarId = calendarIdField.parse(ctx.query.calendarId);
    const showDeleted = ctx.query.showDeleted === 'true';
    const events = [...sb.calendar.calendar(calendarId).events.values()].filter(
      (e) => showDeleted || e.status !== 'cancelled',
    );
    ctx.body = { items: events.sort(byStartThenId) };
  });

  /** The calendar's live push channels (tokens left out). */
  router.get('/channels', (ctx) => {
    const calendarId = calendarIdField.parse(ctx.query.calendarId);
    ctx.body = {
      items: sb.calendar.liveChannels(calendarId).map((c) => ({
        id: c.id,
        resourceId: c.resourceId,
        address: c.address,
        expiration: new Date(c.expiration).toISOString(),
        hasToken: c.token !== null,
        messageNumber: c.messageNumber,
      })),
    };
  });

  /** The owner blocks time in Calendar: an event Frontdesk did not make, then a push to every channel. */
  router.post('/busy', async (ctx) => {
    const input = busySchema.parse(await jsonBody(ctx));
    const calendar = sb.calendar.calendar(input.calendarId);
    const event = newEvent(
      sb,
      calendar.owner,
      randomEventId(),
      { dateTime: new Date(input.start).toISOString() },
      { dateTime: new Date(input.end).toISOString() },
    );
    event.summary = input.summary ?? 'Busy';
    calendar.events.set(event.id, event);
    ctx.status = 201;
    ctx.body = { event, pushes: await ownerChanged(sb, calendar, event) };
  });

  /** The owner drags an event to another time (start alone keeps its length) or deletes it, then a push. */
  router.post('/owner-edit', async (ctx) => {
    const input = ownerEditSchema.parse(await jsonBody(ctx));
    const calendar = sb.calendar.calendar(input.calendarId);
    const event = calendar.events.get(input.eventId);
    if (!event || event.status === 'cancelled') {
      ctx.status = 404;
      ctx.body = { error: `no event ${input.eventId} in calendar ${calendar.owner}` };
      return;
    }
    if (input.deleted) {
      event.status = 'cancelled';
    } else {
      const length = toMs(event.end) - toMs(event.start);
      const start = input.start !== undefined ? Date.parse(input.start) : toMs(event.start);
      const end = input.end !== undefined ? Date.parse(input.end) : start + length;
      if (end <= start) {
        ctx.status = 400;
        ctx.body = { error: 'invalid request', errors: [{ path: 'end', message: 'must be after start' }] };
        return;
      }
      // The owner's Calendar writes the new times in the event's own zone; the instant is what counts.
      event.start = {
        dateTime: new Date(start).toISOString(),
        ...(event.start.timeZone ? { timeZone: event.start.timeZone } : {}),
      };
      event.end = {
        dateTime: new Date(end).toISOString(),
        ...(event.end.timeZone ? { timeZone: event.end.timeZone } : {}),
      };
      event.sequence += 1;
    }
    ctx.body = { event, pushes: await ownerChanged(sb, calendar, event) };
  });

  /** Every sync token of the calendar handed out so far now answers 410 Gone (a full sync is needed). */
  router.post('/expire-sync-tokens', async (ctx) => {
    const input = z.object({ calendarId: calendarIdField }).parse(await jsonBody(ctx));
    sb.calendar.calendar(input.calendarId).expireSyncTokens();
    ctx.body = { calendarId: input.calendarId.toLowerCase() };
  });

  return router;
}

/** A change made through the API: logged for incremental lists, recorded as sent, and pushed (as Google does, later). */
function changed(sb: Sandbox, calendar: SandboxCalendar, event: StoredEvent, operation: string): void {
  touch(calendar, event);
  record(sb, operation, event);
  void notifyWatchers(sb, calendar.owner);
}

/** A change the owner made in Calendar: logged and pushed, the pushes' outcomes awaited for the caller. */
function ownerChanged(sb: Sandbox, calendar: SandboxCalendar, event: StoredEvent): Promise<PushResult[]> {
  touch(calendar, event);
  return notifyWatchers(sb, calendar.owner);
}

function touch(calendar: SandboxCalendar, event: StoredEvent): void {
  event.updated = new Date().toISOString();
  event.etag = etag();
  calendar.changed(event);
}

function newEvent(sb: Sandbox, owner: string, id: string, start: EventTime, end: EventTime): StoredEvent {
  const now = new Date().toISOString();
  return {
    kind: 'calendar#event',
    etag: etag(),
    id,
    status: 'confirmed',
    htmlLink: `${sb.baseUrl}/calendar/event?eid=${id}`,
    created: now,
    updated: now,
    creator: { email: owner, self: true },
    organizer: { email: owner, self: true },
    start,
    end,
    iCalUID: `${id}@google.com`,
    sequence: 0,
    reminders: { useDefault: true },
    eventType: 'default',
  };
}

/** As lists show an event: a deleted one is guaranteed to carry only its id and status. */
function listed(event: StoredEvent): Partial<StoredEvent> {
  if (event.status !== 'cancelled') return event;
  return { kind: event.kind, etag: event.etag, id: event.id, status: 'cancelled' };
}

/** Busy periods of the calendar within [from, to): opaque, not deleted, merged where they overlap. */
function busyPeriods(calendar: SandboxCalendar, from: number, to: number): { start: string; end: string }[] {
  const periods = [...calendar.events.values()]
    .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent')
    .map((e) => ({ start: Math.max(toMs(e.start), from), end: Math.min(toMs(e.end), to) }))
    .filter((b) => b.start < b.end)
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const period of periods) {
    const last = merged[merged.length - 1];
    if (last && period.start <= last.end) last.end = Math.max(last.end, period.end);
    else merged.push({ ...period });
  }
  return merged.map((b) => ({ start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString() }));
}

function fullSyncRequired(ctx: Context): void {
  const message = 'Sync token is no longer valid, a full sync is required.';
  ctx.status = 410;
  ctx.body = { error: { errors: [{ domain: 'calendar', reason: 'fullSyncRequired', message }], code: 410, message } };
}

interface PageCursor {
  /** The change number the pass reads up to: its nextSyncToken. */
  upTo: number;
  /** Incremental pass: the change number of the last event given. */
  changeAfter?: number;
  /** Full pass: (start ms, id) of the last event given. */
  startAfter?: [number, string];
}

function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodePageToken(token: string | undefined): PageCursor | null | 'invalid' {
  if (token === undefined) return null;
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageCursor;
    return typeof cursor.upTo === 'number' ? cursor : 'invalid';
  } catch {
    return 'invalid';
  }
}

function isAfter(event: StoredEvent, [startMs, id]: [number, string]): boolean {
  const start = toMs(event.start);
  return start > startMs || (start === startMs && event.id > id);
}

function byStartThenId(a: Pick<StoredEvent, 'start' | 'id'>, b: Pick<StoredEvent, 'start' | 'id'>): number {
  return toMs(a.start) - toMs(b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function applyFields(event: StoredEvent, body: Record<string, unknown>): void {
  for (const field of ['summary', 'description', 'location'] as const) {
    const value = str(body[field]);
    if (value !== undefined) event[field] = value;
  }
  if (body.transparency === 'transparent' || body.transparency === 'opaque') event.transparency = body.transparency;
  if (body.status === 'confirmed' || body.status === 'tentative') event.status = body.status;
  if (Array.isArray(body.attendees)) {
    event.attendees = (body.attendees as Record<string, unknown>[]).flatMap((a) => {
      const email = str(a.email);
      const displayName = str(a.displayName);
      return email ? [{ email, ...(displayName ? { displayName } : {}), responseStatus: 'needsAction' }] : [];
    });
  }
  const extended = body.extendedProperties as { private?: unknown; shared?: unknown } | undefined;
  if (extended && typeof extended === 'object') {
    // A patch merges property by property, as Google's does.
    for (const scope of ['private', 'shared'] as const) {
      const given = extended[scope];
      if (!given || typeof given !== 'object') continue;
      const strings = Object.fromEntries(
        Object.entries(given as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      event.extendedProperties = {
        ...event.extendedProperties,
        [scope]: { ...event.extendedProperties?.[scope], ...strings },
      };
    }
  }
}

function validateTimes(start: unknown, end: unknown): string | null {
  if (!isTime(start) || !isTime(end)) return 'Missing end time.';
  if (toMs(end) < toMs(start)) return 'The specified time range is empty.';
  return null;
}

function isTime(value: unknown): value is EventTime {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as EventTime;
  return !Number.isNaN(Date.parse(t.dateTime ?? t.date ?? ''));
}

function toMs(t: EventTime): number {
  return Date.parse(t.dateTime ?? t.date ?? '');
}

/** 26 characters of hex, a subset of the base32hex Calendar ids are made of. */
function randomEventId(): string {
  return randomBytes(13).toString('hex');
}

function etag(): string {
  return `"${Date.now()}${randomBytes(2).readUInt16BE(0)}"`;
}

function record(sb: Sandbox, operation: string, event: StoredEvent): void {
  sb.records.sent('calendar', {
    operation,
    calendarId: event.organizer.email,
    eventId: event.id,
    status: event.status,
    summary: event.summary ?? '',
    start: event.start.dateTime ?? event.start.date,
    end: event.end.dateTime ?? event.end.date,
    attendees: (event.attendees ?? []).map((a) => a.email),
  });
}
