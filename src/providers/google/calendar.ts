// The part of the Google Calendar API Frontdesk uses for one tenant: events (insert, get, patch,
// delete, list), incremental sync, free/busy and push channels. Bookings insert their event with
// an id derived from the booking, so a retry after a lost answer finds the event it made instead
// of making a second one; deleting an event that is already gone is not a failure; a sync token
// Google no longer honours is an outcome (do a full sync), not an error.
// The Calendar module alone: the googleapis index pulls in every Google API's types.
import { calendar as calendarApi, type calendar_v3 } from 'googleapis/build/src/apis/calendar';
import type { Config } from '../../config';
import { UpstreamError } from '../../errors';
import { upstream } from '../errors/upstream';
import { googleServiceClient, type GoogleServiceOptions } from './service-client';

export interface CalendarEventInput {
  /** 5–1024 characters of base32hex (a–v, 0–9): Calendar's rule for client-chosen ids. */
  id?: string;
  summary: string;
  description?: string;
  location?: string;
  start: Date;
  end: Date;
  timeZone?: string;
  attendees?: { email: string; displayName?: string }[];
  /** Private extended properties (visible to this app only): what a sync recognises its events by. */
  privateProperties?: Record<string, string>;
}

export type CalendarEventStatus = 'confirmed' | 'tentative' | 'cancelled';

export interface CalendarEvent {
  id: string;
  status: CalendarEventStatus;
  summary: string;
  description: string | null;
  location: string | null;
  start: Date;
  end: Date;
  /** A whole-day event: start and end are the UTC midnights of its dates, not instants in any zone. */
  allDay: boolean;
  /** A transparent event does not block time (free/busy leaves it out). */
  transparent: boolean;
  htmlLink: string | null;
  attendees: { email: string; responseStatus: string | null }[];
  privateProperties: Record<string, string>;
  updated: Date | null;
}

/** In an incremental list a deleted event is guaranteed to carry nothing but its id. */
export interface DeletedEvent {
  id: string;
  status: 'cancelled';
}

export type EventChange = DeletedEvent | (CalendarEvent & { status: 'confirmed' | 'tentative' });

export type EventChangesPage =
  | {
      kind: 'changes';
      events: EventChange[];
      /** More of this pass: list again with it (and the same syncToken). */
      nextPageToken: string | null;
      /** On the last page only: store it, and pass it to the next incremental list. */
      nextSyncToken: string | null;
    }
  /** The sync token is expired or was invalidated: list again without one (a full sync). */
  | { kind: 'full_sync_required' };

export interface BusyInterval {
  start: Date;
  end: Date;
}

export interface WatchChannel {
  channelId: string;
  /** Google's id of the watched collection; channels.stop needs it. */
  resourceId: string;
  expiresAt: Date;
}

export interface Calendar {
  /**
   * events.insert with our own id. A 409 means an earlier attempt made it (its answer was lost):
   * the event is fetched and returned with `created: false`. It may since have been deleted in
   * Calendar (`status: "cancelled"`): ids stay taken after a delete.
   */
  insertEvent(
    calendarId: string,
    event: CalendarEventInput & { id: string },
  ): Promise<{ event: CalendarEvent; created: boolean }>;
  /** The event, deleted ones included (status `cancelled`); null when Calendar has no such event. */
  getEvent(calendarId: string, eventId: string): Promise<CalendarEvent | null>;
  /** events.patch: only the fields given change (a move gives start and end). */
  updateEvent(
    calendarId: string,
    eventId: string,
    changes: Partial<Omit<CalendarEventInput, 'id'>>,
  ): Promise<CalendarEvent>;
  /** `deleted: false` when it was already gone (404 or 410): deleting twice is the same as once. */
  deleteEvent(calendarId: string, eventId: string): Promise<{ deleted: boolean }>;
  listEvents(
    calendarId: string,
    input: { timeMin: Date; timeMax: Date; pageToken?: string; maxResults?: number },
  ): Promise<{ events: CalendarEvent[]; nextPageToken: string | null }>;
  /**
   * One page of a sync pass. With `syncToken`: the events changed since it, deleted ones included.
   * Without: a full list (from `timeMin`, which only a full list may give), whose last page
   * carries the first sync token.
   */
  listChanges(
    calendarId: string,
    input: { syncToken?: string; timeMin?: Date; pageToken?: string; maxResults?: number },
  ): Promise<EventChangesPage>;
  freeBusy(input: { timeMin: Date; timeMax: Date; calendarIds: string[] }): Promise<Record<string, BusyInterval[]>>;
  /**
   * events.watch: Google posts to `address` after each change, with `token` echoed in
   * X-Goog-Channel-Token. A channel id that is live already is UpstreamError `already_exists`.
   */
  watchEvents(
    calendarId: string,
    input: { channelId: string; token: string; address: string; expiresAt?: Date },
  ): Promise<WatchChannel>;
  /** channels.stop; `stopped: false` when Google no longer knows the channel (stopped or expired). */
  stopChannel(input: { channelId: string; resourceId: string }): Promise<{ stopped: boolean }>;
}

export function createCalendar(config: Config, options: GoogleServiceOptions): Calendar {
  const { apiOptions, call } = googleServiceClient(config, 'calendar', options);
  const api = calendarApi({ version: 'v3', ...apiOptions });

  const getEvent: Calendar['getEvent'] = async (calendarId, eventId) => {
    try {
      return toEvent(await call({ operation: 'events.get' }, () => api.events.get({ calendarId, eventId })));
    } catch (err) {
      if (isCode(err, 'not_found')) return null;
      throw err;
    }
  };

  return {
    async insertEvent(calendarId, event) {
      try {
        const data = await call({ operation: 'events.insert', creates: true }, () =>
          api.events.insert({ calendarId, sendUpdates: 'none', requestBody: toResource(event) }),
        );
        return { event: toEvent(data), created: true };
      } catch (err) {
        if (!isCode(err, 'already_exists')) throw err;
        const existing = await getEvent(calendarId, event.id);
        if (!existing) throw err;
        return { event: existing, created: false };
      }
    },

    getEvent,

    async updateEvent(calendarId, eventId, changes) {
      const data = await call({ operation: 'events.patch' }, () =>
        api.events.patch({ calendarId, eventId, sendUpdates: 'none', requestBody: toResource(changes) }),
      );
      return toEvent(data);
    },

    async deleteEvent(calendarId, eventId) {
      try {
        await call({ operation: 'events.delete' }, () =>
          api.events.delete({ calendarId, eventId, sendUpdates: 'none' }),
        );
        return { deleted: true };
      } catch (err) {
        if (isCode(err, 'not_found') || isCode(err, 'gone')) return { deleted: false };
        throw err;
      }
    },

    async listEvents(calendarId, { timeMin, timeMax, pageToken, maxResults }) {
      const data = await call({ operation: 'events.list' }, () =>
        api.events.list({
          calendarId,
          timeMin: timeMin.toISOString(),
          timeMax: timeMax.toISOString(),
          singleEvents: true,
          orderBy: 'startTime',
          ...(pageToken ? { pageToken } : {}),
          ...(maxResults ? { maxResults } : {}),
        }),
      );
      return { events: (data.items ?? []).map(toEvent), nextPageToken: data.nextPageToken ?? null };
    },

    async listChanges(calendarId, { syncToken, timeMin, pageToken, maxResults }) {
      if (syncToken !== undefined && timeMin !== undefined)
        throw new Error('listChanges: timeMin belongs to a full list, not to one with a syncToken');
      try {
        const data = await call({ operation: 'events.list', syncToken: syncToken !== undefined }, () =>
          api.events.list({
            calendarId,
            singleEvents: true,
            ...(syncToken !== undefined ? { syncToken } : {}),
            ...(timeMin ? { timeMin: timeMin.toISOString() } : {}),
            ...(pageToken ? { pageToken } : {}),
            ...(maxResults ? { maxResults } : {}),
          }),
        );
        return {
          kind: 'changes',
          events: (data.items ?? []).map(toChange),
          nextPageToken: data.nextPageToken ?? null,
          nextSyncToken: data.nextSyncToken ?? null,
        };
      } catch (err) {
        if (isCode(err, 'full_sync_required')) return { kind: 'full_sync_required' };
        throw err;
      }
    },

    async freeBusy({ timeMin, timeMax, calendarIds }) {
      const data = await call({ operation: 'freebusy.query' }, () =>
        api.freebusy.query({
          requestBody: {
            timeMin: timeMin.toISOString(),
            timeMax: timeMax.toISOString(),
            items: calendarIds.map((id) => ({ id })),
          },
        }),
      );
      const result: Record<string, BusyInterval[]> = {};
      for (const id of calendarIds) {
        const entry = data.calendars?.[id];
        if (entry?.errors?.length) {
          // freeBusy reports an unknown or hidden calendar inside a 200 answer.
          const reason = entry.errors[0]?.reason ?? 'notFound';
          throw upstream(
            'calendar',
            { operation: 'freebusy.query' },
            { code: reason === 'notFound' ? 'not_found' : 'forbidden', retryable: false },
            `calendar ${id}: ${reason}`,
            entry.errors,
          );
        }
        result[id] = (entry?.busy ?? []).flatMap((b) =>
          b.start && b.end ? [{ start: new Date(b.start), end: new Date(b.end) }] : [],
        );
      }
      return result;
    },

    async watchEvents(calendarId, { channelId, token, address, expiresAt }) {
      const data = await call({ operation: 'events.watch', creates: true }, () =>
        api.events.watch({
          calendarId,
          requestBody: {
            id: channelId,
            type: 'web_hook',
            address,
            token,
            ...(expiresAt ? { expiration: String(expiresAt.getTime()) } : {}),
          },
        }),
      );
      return {
        channelId: data.id ?? channelId,
        resourceId: data.resourceId ?? raise('Calendar answered the watch without resourceId'),
        expiresAt: new Date(Number(data.expiration ?? raise('Calendar answered the watch without expiration'))),
      };
    },

    async stopChannel({ channelId, resourceId }) {
      try {
        await call({ operation: 'channels.stop' }, () =>
          api.channels.stop({ requestBody: { id: channelId, resourceId } }),
        );
        return { stopped: true };
      } catch (err) {
        if (isCode(err, 'not_found')) return { stopped: false };
        throw err;
      }
    },
  };
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof UpstreamError && err.code === code;
}

function toResource(event: Partial<CalendarEventInput>): calendar_v3.Schema$Event {
  const time = (d: Date) => ({ dateTime: d.toISOString(), ...(event.timeZone ? { timeZone: event.timeZone } : {}) });
  return {
    ...(event.id ? { id: event.id } : {}),
    ...(event.summary !== undefined ? { summary: event.summary } : {}),
    ...(event.description !== undefined ? { description: event.description } : {}),
    ...(event.location !== undefined ? { location: event.location } : {}),
    ...(event.start ? { start: time(event.start) } : {}),
    ...(event.end ? { end: time(event.end) } : {}),
    ...(event.attendees
      ? {
          attendees: event.attendees.map((a) => ({
            email: a.email,
            ...(a.displayName ? { displayName: a.displayName } : {}),
          })),
        }
      : {}),
    ...(event.privateProperties ? { extendedProperties: { private: event.privateProperties } } : {}),
  };
}

function toChange(data: calendar_v3.Schema$Event): EventChange {
  if (data.status === 'cancelled')
    return { id: data.id ?? raise('Calendar listed a deleted event without id'), status: 'cancelled' };
  return toEvent(data) as EventChange;
}

function toEvent(data: calendar_v3.Schema$Event): CalendarEvent {
  const when = (t: calendar_v3.Schema$EventDateTime | undefined, field: string) => {
    const value = t?.dateTime ?? t?.date;
    if (!value) throw new Error(`Calendar answered without ${field}`);
    return new Date(value);
  };
  const status: CalendarEventStatus =
    data.status === 'cancelled' || data.status === 'tentative' ? data.status : 'confirmed';
  return {
    id: data.id ?? raise('Calendar answered without id'),
    status,
    summary: data.summary ?? '',
    description: data.description ?? null,
    location: data.location ?? null,
    start: when(data.start, 'start'),
    end: when(data.end, 'end'),
    allDay: !data.start?.dateTime && Boolean(data.start?.date),
    transparent: data.transparency === 'transparent',
    htmlLink: data.htmlLink ?? null,
    attendees: (data.attendees ?? []).flatMap((a) =>
      a.email ? [{ email: a.email, responseStatus: a.responseStatus ?? null }] : [],
    ),
    privateProperties: { ...(data.extendedProperties?.private ?? {}) },
    updated: data.updated ? new Date(data.updated) : null,
  };
}

function raise(message: string): never {
  throw new Error(message);
}
