// The demo business's owner, signed in: the first run registers the business, later runs sign in
// with the same email and password.
import { type HttpClient, SeedError } from './http-client';

export interface Owner {
  tenantId: string;
  userId: string;
  email: string;
  password: string;
  businessName: string;
  accessToken: string;
  refreshToken: string;
  /** False when an earlier run had registered it already. */
  registered: boolean;
}

export async function signInOrRegister(
  api: HttpClient,
  account: { businessName: string; email: string; password: string; timezone: string },
): Promise<Owner> {
  type Tokens = { accessToken: string; refreshToken: string };
  const login = await api.call<Tokens>('POST', '/api/auth/login', {
    json: { email: account.email, password: account.password },
    accept: [200, 401],
  });
  let registered = false;
  let tokens: Tokens;
  if (login.status === 200) {
    tokens = login.body;
  } else {
    const created = await api.call<Tokens>('POST', '/api/auth/register', { json: account, accept: [201, 409] });
    if (created.status === 409) {
      throw new SeedError(
        `${account.email} is registered with another password: pass that one with --password, or another address with --email`,
      );
    }
    tokens = created.body;
    registered = true;
  }
  const me = await api.call<{ user: { id: string }; tenant: { id: string; name: string } }>('GET', '/api/auth/me', {
    token: tokens.accessToken,
  });
  return {
    tenantId: me.body.tenant.id,
    userId: me.body.user.id,
    email: account.email,
    password: account.password,
    businessName: me.body.tenant.name,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    registered,
  };
}
