// The part of the Google Calendar API Frontdesk uses (events and free/busy) for one tenant.
// Callers pass their own event id (derived from the booking) on insert, so a retry after a lost
// answer gets `already_exists` instead of a second event.
// The Calendar module alone: the googleapis index pulls in every Google API's types.
import { calendar as calendarApi, type calendar_v3 } from 'googleapis/build/src/apis/calendar';
import type { Config } from '../../config';
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
}

export interface CalendarEvent {
  id: string;
  status: string;
  summary: string;
  description: string | null;
  location: string | null;
  start: Date;
  end: Date;
  htmlLink: string | null;
  attendees: { email: string; responseStatus: string | null }[];
}

export interface BusyInterval {
  start: Date;
  end: Date;
}

export interface Calendar {
  insertEvent(calendarId: string, event: CalendarEventInput): Promise<CalendarEvent>;
  /** A partial update (events.patch): only the fields given change. */
  updateEvent(calendarId: string, eventId: string, changes: Partial<Omit<CalendarEventInput, 'id'>>): Promise<CalendarEvent>;
  deleteEvent(calendarId: string, eventId: string): Promise<void>;
  listEvents(
    calendarId: string,
    input: { timeMin: Date; timeMax: Date; pageToken?: string; maxResults?: number },
  ): Promise<{ events: CalendarEvent[]; nextPageToken: string | null }>;
  freeBusy(input: { timeMin: Date; timeMax: Date; calendarIds: string[] }): Promise<Record<string, BusyInterval[]>>;
}

export function createCalendar(config: Config, options: GoogleServiceOptions): Calendar {
  const { apiOptions, call } = googleServiceClient(config, 'calendar', options);
  const api = calendarApi({ version: 'v3', ...apiOptions });

  return {
    async insertEvent(calendarId, event) {
      const data = await call({ operation: 'events.insert', creates: true }, () =>
        api.events.insert({ calendarId, sendUpdates: 'none', requestBody: toResource(event) }),
      );
      return toEvent(data);
    },

    async updateEvent(calendarId, eventId, changes) {
      const data = await call({ operation: 'events.patch' }, () =>
        api.events.patch({ calendarId, eventId, sendUpdates: 'none', requestBody: toResource(changes) }),
      );
      return toEvent(data);
    },

    async deleteEvent(calendarId, eventId) {
      await call({ operation: 'events.delete' }, () => api.events.delete({ calendarId, eventId, sendUpdates: 'none' }));
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

    async freeBusy({ timeMin, timeMax, calendarIds }) {
      const data = await call({ operation: 'freebusy.query' }, () =>
        api.freebusy.query({
          requestBody: { timeMin: timeMin.toISOString(), timeMax: timeMax.toISOString(), items: calendarIds.map((id) => ({ id })) },
        }),
      );
      const result: Record<string, BusyInterval[]> = {};
      for (const id of calendarIds) {
        const entry = data.calendars?.[id];
        if (entry?.errors?.length) {
          // freeBusy reports an unknown or hidden calendar inside a 200 answer.
          const reason = entry.errors[0]?.reason ?? 'notFound';
          throw upstream('calendar', { operation: 'freebusy.query' }, { code: reason === 'notFound' ? 'not_found' : 'forbidden', retryable: false }, `calendar ${id}: ${reason}`, entry.errors);
        }
        result[id] = (entry?.busy ?? []).flatMap((b) => (b.start && b.end ? [{ start: new Date(b.start), end: new Date(b.end) }] : []));
      }
      return result;
    },
  };
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
    ...(event.attendees ? { attendees: event.attendees.map((a) => ({ email: a.email, ...(a.displayName ? { displayName: a.displayName } : {}) })) } : {}),
  };
}

function toEvent(data: calendar_v3.Schema$Event): CalendarEvent {
  const when = (t: calendar_v3.Schema$EventDateTime | undefined, field: string) => {
    const value = t?.dateTime ?? t?.date;
    if (!value) throw new Error(`Calendar answered without ${field}`);
    return new Date(value);
  };
  return {
    id: data.id ?? raise('Calendar answered without id'),
    status: data.status ?? 'confirmed',
    summary: data.summary ?? '',
    description: data.description ?? null,
    location: data.location ?? null,
    start: when(data.start, 'start'),
    end: when(data.end, 'end'),
    htmlLink: data.htmlLink ?? null,
    attendees: (data.attendees ?? []).flatMap((a) => (a.email ? [{ email: a.email, responseStatus: a.responseStatus ?? null }] : [])),
  };
}

function raise(message: string): never {
  throw new Error(message);
}
