// One record of every kind a tenant can own, created through the API as that tenant's owner.
// The tenant-isolation matrix (test/api/tenant-isolation.test.ts) walks every route that takes
// an id and needs, for each, at least one id of this tenant that the route really reaches: when
// you add a resource, add one of it here (or the matrix fails, naming the route).
import { request, type TestServer } from './http';
import { createUser, type SignedInUser } from './auth';

export async function seedTenantRecords(server: TestServer, owner: SignedInUser): Promise<void> {
  const must = async (what: string, res: Promise<{ status: number; text: string }>) => {
    const r = await res;
    if (r.status >= 300) throw new Error(`seeding ${what} answered ${r.status}: ${r.text}`);
  };
  await createUser(server, owner, 'staff');
  await must(
    'a client',
    request(server, 'POST', '/api/clients', {
      token: owner.accessToken,
      json: { name: 'Grace Hopper', email: 'grace@example.com', phone: '+1 202 555 0143', timezone: 'America/New_York', smsConsent: true },
    }),
  );
}
