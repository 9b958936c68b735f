// The demo clients, found by email or created. Each create carries an Idempotency-Key made from
// the email, so a create whose answer was lost and is sent again makes no second client.
import type { Owner } from './account';
import type { DemoClient } from './demo-business';
import type { HttpClient } from './http-client';

export interface SeededClient {
  id: string;
  name: string;
  email: string;
}

export async function seedClients(
  api: HttpClient,
  owner: Owner,
  clients: DemoClient[],
): Promise<Map<string, SeededClient>> {
  const existing = await api.all<SeededClient>('/api/clients', owner.accessToken);
  const byEmail = new Map(existing.map((c) => [c.email, c]));
  const seeded = new Map<string, SeededClient>();
  for (const client of clients) {
    let found = byEmail.get(client.email);
    if (!found) {
      const created = await api.call<SeededClient>('POST', '/api/clients', {
        token: owner.accessToken,
        headers: { 'Idempotency-Key': `seed-client-${client.email}` },
        json: { ...client, ...(client.smsConsent !== undefined ? { smsConsentSource: 'demo seed' } : {}) },
      });
      found = created.body;
    }
    seeded.set(client.email, found);
  }
  return seeded;
}
