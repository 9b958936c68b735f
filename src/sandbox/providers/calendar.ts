// Google Calendar API v3: events insert/get/patch/update/delete/list and freeBusy.query, on the
// primary calendar of the mailbox whose access token is presented.
import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody, str } from '../body';
import type { Sandbox } from '../context';
import type { Mailbox } from '../gmail-mailbox';
import { authorizedMailbox, googleFail } from './gmail';

interface EventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

interface StoredEvent {
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
  reminders: { useDefault: boolean };
  eventType: 'default';
}

const CLIENT_ID = /^[a-v0-9]{5,1024}$/;

export class CalendarStore {
  private readonly calendars = new Map<string, Map<string, StoredEvent>>();

  events(owner: string): Map<string, StoredEvent> {
    let events = this.calendars.get(owner);
    if (!events) {
      events = new Map();
      this.calendars.set(owner, events);
    }
    return events;
  }
}

export function calendarRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/calendar/v3' });

  router.use(async (ctx, next) => {
    const mailbox = authorizedMailbox(sb, ctx);
    if (!mailbox) return;
    ctx.state.mailbox = mailbox;
    await next();
  });

  /** The calendar's events, or a 404 for a calendar this account cannot see. */
  const calendarOf = (ctx: Context): Map<string, StoredEvent> | null => {
    const box = ctx.state.mailbox as Mailbox;
    const id = ctx.params.calendarId ?? '';
    if (id !== 'primary' && id.toLowerCase() !== box.email) {
      googleFail(ctx, 404, 'Not Found', 'notFound');
      return null;
    }
    return sb.calendar.events(box.email);
  };

  router.post('/calendars/:calendarId/events', async (ctx) => {
    const events = calendarOf(ctx);
    if (!events) return;
    const owner = (ctx.state.mailbox as Mailbox).email;
    const body = await jsonBody(ctx);
    const problem = validateTimes(body.start, body.end);
    if (problem) return googleFail(ctx, 400, problem, 'invalid');
    const id = str(body.id) ?? randomBytes(13).toString('hex'); // hex is a subset of base32hex
    if (!CLIENT_ID.test(id)) return googleFail(ctx, 400, 'Invalid resource id value.', 'invalid');
    if (events.has(id)) return googleFail(ctx, 409, 'The requested identifier already exists.', 'duplicate');
    const now = new Date().toISOString();
    const event: StoredEvent = {
      kind: 'calendar#event',
      etag: etag(),
      id,
      status: 'confirmed',
      htmlLink: `${sb.baseUrl}/calendar/event?eid=${id}`,
      created: now,
      updated: now,
      creator: { email: owner, self: true },
      organizer: { email: owner, self: true },
      start: body.start as EventTime,
      end: body.end as EventTime,
      iCalUID: `${id}@google.com`,
      sequence: 0,
      reminders: { useDefault: true },
      eventType: 'default',
    };
    applyFields(event, body);
    events.set(id, event);
    record(sb, 'insert', event);
    ctx.body = event;
  });

  router.get('/calendars/:calendarId/events/:eventId', (ctx) => {
    const events = calendarOf(ctx);
    if (!events) return;
    const event = events.get(ctx.params.eventId ?? '');
    if (!event) return googleFail(ctx, 404, 'Not Found', 'notFound');
    ctx.body = event;
  });

  for (const method of ['patch', 'put'] as const) {
    router[method]('/calendars/:calendarId/events/:eventId', async (ctx) => {
      const events = calendarOf(ctx);
      if (!events) return;
      const event = events.get(ctx.params.eventId ?? '');
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
      }
      applyFields(event, body);
      event.start = start as EventTime;
      event.end = end as EventTime;
      if (event.status === 'cancelled' && body.status === undefined) event.status = 'confirmed';
      event.sequence += 1;
      event.updated = new Date().toISOString();
      event.etag = etag();
      record(sb, method === 'patch' ? 'patch' : 'update', event);
      ctx.body = event;
    });
  }

  router.delete('/calendars/:calendarId/events/:eventId', (ctx) => {
    const events = calendarOf(ctx);
    if (!events) return;
    const event = events.get(ctx.params.eventId ?? '');
    if (!event) return googleFail(ctx, 404, 'Not Found', 'notFound');
    if (event.status === 'cancelled') return googleFail(ctx, 410, 'Resource has been deleted', 'deleted');
    event.status = 'cancelled';
    event.updated = new Date().toISOString();
    record(sb, 'delete', event);
    ctx.status = 204;
  });

  router.get('/calendars/:calendarId/events', (ctx) => {
    const events = calendarOf(ctx);
    if (!events) return;
    const timeMin = str(ctx.query.timeMin);
    const timeMax = str(ctx.query.timeMax);
    const showDeleted = str(ctx.query.showDeleted) === 'true';
    const items = [...events.values()]
      .filter((e) => showDeleted || e.status !== 'cancelled')
      .filter((e) => (!timeMin || toMs(e.end) > Date.parse(timeMin)) && (!timeMax || toMs(e.start) < Date.parse(timeMax)))
      .sort((a, b) => toMs(a.start) - toMs(b.start));
    const size = Math.min(Number(str(ctx.query.maxResults) ?? 250) || 250, 2500);
    const offset = Number(str(ctx.query.pageToken) ?? 0) || 0;
    const page = items.slice(offset, offset + size);
    ctx.body = {
      kind: 'calendar#events',
      etag: etag(),
      summary: (ctx.state.mailbox as Mailbox).email,
      updated: new Date().toISOString(),
      timeZone: 'UTC',
      accessRole: 'owner',
      defaultReminders: [{ method: 'popup', minutes: 30 }],
      ...(offset + size < items.length ? { nextPageToken: String(offset + size) } : {}),
      items: page,
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
      const busy = [...sb.calendar.events(box.email).values()]
        .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent')
        .map((e) => ({ start: Math.max(toMs(e.start), from), end: Math.min(toMs(e.end), to) }))
        .filter((b) => b.start < b.end)
        .sort((a, b) => a.start - b.start)
        .map((b) => ({ start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString() }));
      calendars[id] = { busy };
    }
    ctx.body = { kind: 'calendar#freeBusy', timeMin, timeMax, calendars };
  });

  return router;
}

function applyFields(event: StoredEvent, body: Record<string, unknown>): void {
  for (const field of ['summary', 'description', 'location'] as const) {
    const value = str(body[field]);
    if (value !== undefined) event[field] = value;
  }
  if (body.transparency === 'transparent' || body.transparency === 'opaque') event.transparency = body.transparency;
  if (Array.isArray(body.attendees)) {
    event.attendees = (body.attendees as Record<string, unknown>[]).flatMap((a) => {
      const email = str(a.email);
      const displayName = str(a.displayName);
      return email ? [{ email, ...(displayName ? { displayName } : {}), responseStatus: 'needsAction' }] : [];
    });
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
