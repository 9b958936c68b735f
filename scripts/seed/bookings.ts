// The demo bookings, found by their notes or made (the booking workflow then puts each in the
// sandbox's Google Calendar and sends its confirmation). Each goes on the next weekday far enough
// ahead, at its time in the business's zone, inside the default opening hours.
import { DateTime } from 'luxon';
import type { Owner } from './account';
import type { SeededClient } from './clients';
import type { DemoBooking } from './demo-business';
import { type HttpClient, SeedError, waitUntil } from './http-client';
import type { SeededService } from './services';

export interface SeededBooking {
  id: string;
  startAt: string;
  status: string;
  notes: string | null;
}

const LINK = /\/api\/public\/bookings\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

/**
 * The self-service link in the newest email to `to` that carries one (the booking workflow sends
 * the confirmation a moment after the booking is made), read from the sandbox's sent mail.
 */
export async function bookingLinkSentTo(sandbox: HttpClient, to: string): Promise<string> {
  const newestLink = async () => {
    const sent = await sandbox.call<{ items: { to: string; text: string }[] }>('GET', '/_sandbox/sent?provider=gmail');
    const links = sent.body.items.filter((m) => m.to === to).map((m) => LINK.exec(m.text)?.[1]);
    return links.filter((t): t is string => t !== undefined).at(-1);
  };
  return waitUntil(`the booking confirmation to ${to}`, newestLink, 30_000);
}

export async function seedBookings(
  api: HttpClient,
  owner: Owner,
  clients: Map<string, SeededClient>,
  services: SeededService[],
  bookings: DemoBooking[],
): Promise<SeededBooking[]> {
  const { timeZone } = (await api.call<{ timeZone: string }>('GET', '/api/tenant/hours', { token: owner.accessToken }))
    .body;
  const existing = await api.all<SeededBooking>('/api/bookings', owner.accessToken);
  const seeded: SeededBooking[] = [];
  for (const demo of bookings) {
    const found = existing.find((b) => b.notes === demo.notes);
    if (found) {
      seeded.push(found);
      continue;
    }
    const client = clients.get(demo.client);
    const service = services.find((s) => s.name === demo.service);
    if (!client || !service)
      throw new SeedError(`the demo booking "${demo.notes}" names a client or service that is not in the demo`);
    const [hour, minute] = demo.at.split(':').map(Number);
    let day = DateTime.now()
      .setZone(timeZone)
      .plus({ days: demo.inDays })
      .set({ hour, minute, second: 0, millisecond: 0 });
    while (day.weekday > 5) day = day.plus({ days: 1 });
    const created = await api.call<SeededBooking>('POST', '/api/bookings', {
      token: owner.accessToken,
      headers: { 'Idempotency-Key': `seed-booking-${demo.notes.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` },
      json: { clientId: client.id, serviceId: service.id, startAt: day.toUTC().toISO(), notes: demo.notes },
    });
    seeded.push(created.body);
  }
  return seeded;
}
