// POST /api/temporal/codec/decode and /encode, the Temporal UI's remote codec, against payloads
// taken from the raw history of a real workflow: a business's admin reads its own payloads in
// clear, nobody without a token does, and another business's admin cannot, even by relabelling a
// payload. The UI's way in (a sign-in link, then a codec-only cookie) and its CORS preflight too.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import pg from 'pg';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { startE2E, type E2E } from '../helpers/e2e';

const UI_ORIGIN = 'http://127.0.0.1:18233';

let e2e: E2E;
let ownerA: SignedInUser;
let staffA: SignedInUser;
let ownerB: SignedInUser;
let clientId: string;
let inputPayload: { metadata: Record<string, string>; data: string };

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

function decode(payloads: unknown[], options: { token?: string; headers?: Record<string, string> } = {}) {
  return e2e.call('POST', '/api/temporal/codec/decode?preserveStorageRefs=true', { json: { payloads }, ...options });
}

beforeAll(async () => {
  e2e = await startE2E({ TEMPORAL_UI_URL: UI_ORIGIN });
  ownerA = await registerTenant(e2e.server, { businessName: 'Codec Salon A' });
  staffA = await createUser(e2e.server, ownerA, 'staff');
  ownerB = await registerTenant(e2e.server, { businessName: 'Codec Salon B' });
  const client = await e2e.call('POST', '/api/clients', {
    token: ownerA.accessToken,
    json: { name: 'Iris Client', email: `iris-${randomUUID()}@client.example` },
  });
  clientId = client.body.id;
  const invoice = await e2e.call('POST', '/api/invoices', {
    token: ownerA.accessToken,
    json: {
      clientId,
      amountCents: 4_200,
      currency: 'usd',
      description: 'Manicure',
      dueDate: DateTime.utc().plus({ days: 20 }).toISODate(),
      channels: ['email'],
    },
  });
  expect(invoice.status).toBe(201);
  // The history as Temporal stores it, read without the codec, in the remote-codec JSON form.
  const raw = new Client({ connection: e2e.temporal.connection });
  const history = await raw.workflow.getHandle(invoice.body.workflowId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  inputPayload = {
    metadata: Object.fromEntries(
      Object.entries(payload?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(payload?.data ?? []).toString('base64'),
  };
});

afterAll(() => e2e?.close());

it('stores the input encrypted and labelled with its tenant', () => {
  expect(unb64(inputPayload.metadata.encoding!)).toBe('binary/encrypted');
  expect(unb64(inputPayload.metadata['frontdesk-tenant-id']!)).toBe(ownerA.tenantId);
  expect(unb64(inputPayload.data)).not.toContain(clientId);
});

it("decodes the business's own payloads for its admin", async () => {
  const res = await decode([inputPayload], { token: ownerA.accessToken, headers: { 'X-Namespace': 'default' } });
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const [decoded] = res.body.payloads;
  expect(unb64(decoded.metadata.encoding)).toBe('json/plain');
  expect(JSON.parse(unb64(decoded.data))).toMatchObject({ tenantId: ownerA.tenantId, clientId, channels: ['email'] });
});

it('refuses without a token (401), to staff (403) and to another business (403)', async () => {
  const none = await decode([inputPayload]);
  expect(none.status).toBe(401);
  expect(none.headers['content-type']).toMatch(/problem\+json/);
  expect((await decode([inputPayload], { token: staffA.accessToken })).status).toBe(403);
  const other = await decode([inputPayload], { token: ownerB.accessToken });
  expect(other.status).toBe(403);
  expect(other.text).not.toContain(clientId);
});

it('refuses a payload relabelled with the caller’s tenant, or stripped of its label', async () => {
  const relabelled = {
    ...inputPayload,
    metadata: { ...inputPayload.metadata, 'frontdesk-tenant-id': b64(ownerB.tenantId) },
  };
  const asB = await decode([relabelled], { token: ownerB.accessToken });
  expect(asB.status).toBe(403);
  expect(asB.text).not.toContain(clientId);
  const { 'frontdesk-tenant-id': _label, ...unlabelled } = inputPayload.metadata;
  expect((await decode([{ ...inputPayload, metadata: unlabelled }], { token: ownerB.accessToken })).status).toBe(403);
  expect((await decode([{ ...inputPayload, metadata: unlabelled }], { token: ownerA.accessToken })).status).toBe(403);
});

it('passes payloads that are not encrypted through unchanged', async () => {
  const plain = { metadata: { encoding: b64('json/plain') }, data: b64('"hello"') };
  const res = await decode([plain], { token: ownerA.accessToken });
  expect(res.body.payloads).toEqual([plain]);
});

it("encodes for the caller's business only", async () => {
  const plain = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ note: 'typed in the UI' })) };
  const encoded = await e2e.call('POST', '/api/temporal/codec/encode', {
    token: ownerA.accessToken,
    json: { payloads: [plain] },
  });
  expect(encoded.status).toBe(200);
  const [payload] = encoded.body.payloads;
  expect(unb64(payload.metadata['frontdesk-tenant-id'])).toBe(ownerA.tenantId);
  expect(unb64(payload.data)).not.toContain('typed in the UI');
  expect((await decode([payload], { token: ownerB.accessToken })).status).toBe(403);
  expect((await decode([payload], { token: ownerA.accessToken })).body.payloads).toEqual([plain]);
});

it('refuses a request for another namespace (400)', async () => {
  const res = await decode([inputPayload], { token: ownerA.accessToken, headers: { 'X-Namespace': 'someone-else' } });
  expect(res.status).toBe(400);
});

describe('signing in the Temporal UI', () => {
  async function signIn(user: SignedInUser): Promise<string> {
    const link = await e2e.call('POST', '/api/temporal/codec/session', { token: user.accessToken });
    expect(link.status).toBe(200);
    const res = await fetch(link.body.signInUrl, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(UI_ORIGIN);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(
      /^frontdesk_codec_session=[^;]+; path=\/api\/temporal\/codec; expires=.*; samesite=lax; httponly$/,
    );
    return cookie.split(';')[0]!;
  }

  it('decodes with the session cookie the sign-in link sets, for its own business only', async () => {
    const cookieA = await signIn(ownerA);
    expect((await decode([inputPayload], { headers: { Cookie: cookieA } })).status).toBe(200);
    // The UI's "pass access token" may send its own (foreign) token beside the cookie.
    expect(
      (await decode([inputPayload], { headers: { Cookie: cookieA, Authorization: 'Bearer not-our-token' } })).status,
    ).toBe(200);
    const cookieB = await signIn(ownerB);
    expect((await decode([inputPayload], { headers: { Cookie: cookieB } })).status).toBe(403);
  });

  it('keeps each token to its purpose: the cookie opens no other route, the link only the cookie', async () => {
    const cookie = await signIn(ownerA);
    const session = cookie.split('=')[1]!;
    expect((await e2e.call('GET', '/api/clients', { token: session })).status).toBe(401);
    const link = await e2e.call('POST', '/api/temporal/codec/session', { token: ownerA.accessToken });
    const ticket = new URL(link.body.signInUrl).searchParams.get('ticket')!;
    expect((await decode([inputPayload], { token: ticket })).status).toBe(401);
    expect((await decode([inputPayload], { headers: { Cookie: `frontdesk_codec_session=${ticket}` } })).status).toBe(
      401,
    );
    expect((await e2e.call('GET', `/api/temporal/codec/session?ticket=${ownerA.accessToken}`)).status).toBe(401);
    const audit = await e2e.call('GET', '/api/audit?action=codec.sign_in_link_created', { token: ownerA.accessToken });
    expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
  });

  it('ends the session of a user who is no longer an admin', async () => {
    const admin = await createUser(e2e.server, ownerA, 'admin');
    const cookie = await signIn(admin);
    expect((await decode([inputPayload], { headers: { Cookie: cookie } })).status).toBe(200);
    // As an owner would through a role change; the migration role reaches the row directly.
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    await owner.query(`UPDATE users SET role = 'staff' WHERE id = $1`, [admin.userId]);
    await owner.end();
    expect((await decode([inputPayload], { headers: { Cookie: cookie } })).status).toBe(403);
  });
});

describe('CORS for the Temporal UI', () => {
  it("answers the UI's preflight with its origin and credentials allowed", async () => {
    const res = await e2e.call('OPTIONS', '/api/temporal/codec/decode?preserveStorageRefs=true', {
      headers: {
        Origin: UI_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-headers']).toMatch(/X-Namespace/i);
    const post = await decode([inputPayload], { token: ownerA.accessToken, headers: { Origin: UI_ORIGIN } });
    expect(post.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
  });

  it('gives another origin nothing, and keeps the UI origin off the rest of the API', async () => {
    const evil = await e2e.call('OPTIONS', '/api/temporal/codec/decode', {
      headers: {
        Origin: 'http://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const elsewhere = await e2e.call('OPTIONS', '/api/clients', {
      headers: {
        Origin: UI_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
  });
});
