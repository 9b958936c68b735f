// The demo services, found by name or created (with an Idempotency-Key made from the name, so a
// create whose answer was lost makes no second service).
import type { Owner } from './account';
import type { DemoService } from './demo-business';
import type { HttpClient } from './http-client';

export interface SeededService {
  id: string;
  name: string;
  durationMinutes: number;
}

export async function seedServices(api: HttpClient, owner: Owner, services: DemoService[]): Promise<SeededService[]> {
  const existing = await api.all<SeededService>('/api/services', owner.accessToken);
  const seeded: SeededService[] = [];
  for (const service of services) {
    const found =
      existing.find((s) => s.name === service.name) ??
      (
        await api.call<SeededService>('POST', '/api/services', {
          token: owner.accessToken,
          headers: { 'Idempotency-Key': `seed-service-${service.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` },
          json: service,
        })
      ).body;
    seeded.push(found);
  }
  return seeded;
}
