// Signed-in callers for API tests: a new business with its owner (through POST
// /api/auth/register), and users of other roles added by that owner (POST /api/users) and signed
// in (POST /api/auth/login). Everything goes through HTTP, as a client would.
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/domain/roles';
import { request, type TestServer } from './http';

export const TEST_PASSWORD = 'a long test passphrase';

export interface SignedInUser {
  tenantId: string;
  userId: string;
  email: string;
  password: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID()}@test.example`;
}

function expectStatus(res: { status: number; text: string }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what} answered ${res.status}, expected ${status}: ${res.text}`);
}

/** Registers a new business; its owner is signed in. */
export async function registerTenant(
  server: TestServer,
  options: { businessName?: string; timezone?: string; email?: string } = {},
): Promise<SignedInUser> {
  const email = options.email ?? uniqueEmail('owner');
  const res = await request(server, 'POST', '/api/auth/register', {
    json: {
      businessName: options.businessName ?? `Test business ${randomUUID().slice(0, 8)}`,
      email,
      password: TEST_PASSWORD,
      ...(options.timezone ? { timezone: options.timezone } : {}),
    },
  });
  expectStatus(res, 201, 'register');
  return {
    tenantId: res.body.tenant.id,
    userId: res.body.user.id,
    email,
    password: TEST_PASSWORD,
    role: 'owner',
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

export async function login(
  server: TestServer,
  email: string,
  password = TEST_PASSWORD,
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await request(server, 'POST', '/api/auth/login', { json: { email, password } });
  expectStatus(res, 200, 'login');
  return { accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** An owner adds a user with `role` to their business; the new user is signed in. */
export async function createUser(server: TestServer, owner: SignedInUser, role: Role): Promise<SignedInUser> {
  const email = uniqueEmail(role);
  const res = await request(server, 'POST', '/api/users', {
    token: owner.accessToken,
    json: { email, password: TEST_PASSWORD, role },
  });
  expectStatus(res, 201, 'create user');
  const tokens = await login(server, email);
  return { tenantId: owner.tenantId, userId: res.body.id, email, password: TEST_PASSWORD, role, ...tokens };
}
