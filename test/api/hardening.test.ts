// Inputs an attacker or a broken client sends, each answered with a problem+json the client can
// act on, never a 500 or an empty body: bodies whose Content-Encoding lies, prototype keys,
// requests Node itself refuses, and a known path under the wrong method.
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { startApi, type RunningApi } from '../helpers/api';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
beforeAll(async () => {
  api = await startApi();
  owner = await registerTenant(api.server);
});
afterAll(() => api.close());

const postClient = (body: string | Buffer, headers: Record<string, string>) =>
  fetch(`${api.server.url}/api/clients`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${owner.accessToken}`, ...headers },
    body,
  });

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { status: number; detail: string; requestId: string };
}

describe('request bodies', () => {
  it('a gzip body is read when it is gzip', async () => {
    const res = await postClient(gzipSync(JSON.stringify({ name: 'Zipped Client' })), { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ name: 'Zipped Client' });
  });

  it.each(['gzip', 'br', 'deflate'])('a body labelled %s that is not is a 400 saying so', async (encoding) => {
    const res = await postClient(JSON.stringify({ name: 'Plain' }), { 'Content-Encoding': encoding });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toBe(`The body is not valid ${encoding} data, as its Content-Encoding says`);
  });

  it('an encoding the API cannot decode is a 415 naming it', async () => {
    const res = await postClient(JSON.stringify({ name: 'Plain' }), { 'Content-Encoding': 'compress' });
    expect(res.status).toBe(415);
    expect((await problemOf(res)).detail).toMatch(/"compress" is not supported/);
  });

  it('a __proto__ key is refused for what it is, not as broken JSON', async () => {
    const res = await postClient('{"name":"x","__proto__":{"admin":true}}', {});
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/"__proto__"/);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('text Postgres cannot store', () => {
  const problemPaths = (res: { body: { errors?: { path: string }[] } }) => res.body.errors?.map((e) => e.path);

  it.each([
    ['a NUL in a name', '{"name":"a\\u0000b"}', ['name']],
    [
      'a NUL in a phone, which the number parser would drop',
      '{"name":"Ok","phone":"+1 415 555\\u00002671"}',
      ['phone'],
    ],
    ['a lone surrogate', '{"name":"a\\ud800b"}', ['name']],
    ['a NUL in a key', '{"name":"Ok","no\\u0000te":"x"}', ['no\u0000te']],
  ])('%s is a 422 naming the field, and nothing is stored', async (_case, raw, paths) => {
    const before = await request(api.server, 'GET', '/api/clients?limit=100', { token: owner.accessToken });
    const res = await request(api.server, 'POST', '/api/clients', {
      token: owner.accessToken,
      raw,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(422);
    expect(problemPaths(res)).toEqual(paths);
    const after = await request(api.server, 'GET', '/api/clients?limit=100', { token: owner.accessToken });
    expect(after.body.items).toHaveLength(before.body.items.length);
  });

  it('in a query parameter and in an email too: one rule for every route', async () => {
    const search = await request(api.server, 'GET', '/api/clients?search=a%00b', { token: owner.accessToken });
    expect(search.status).toBe(422);
    expect(problemPaths(search)).toEqual(['search']);
    const email = await request(api.server, 'POST', '/api/emails', {
      token: owner.accessToken,
      json: { to: 'a@example.com', subject: 'Hi\u0000', text: 'x' },
    });
    expect(email.status).toBe(422);
    expect(problemPaths(email)).toEqual(['subject']);
  });
});

/** Writes bytes on a raw socket and reads the whole answer: fetch cannot send broken HTTP. */
function rawExchange(bytes: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(api.server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body });
    });
  });
}

describe('requests Node refuses before the app', () => {
  it('a duplicate Content-Length is a 400 problem', async () => {
    const res = await rawExchange(
      'POST /api/clients HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
    );
    expect(res.status).toBe(400);
    expect(res.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(res.body)).toMatchObject({
      status: 400,
      detail: 'The request is not valid HTTP/1.1',
      requestId: expect.any(String),
    });
  });

  it('headers past the limit are a 431 problem', async () => {
    const res = await rawExchange(`GET /api/health/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({
      status: 431,
      detail: 'The request headers are larger than the server accepts',
    });
  });
});

describe('methods', () => {
  it('a known path under a wrong method is a 405 with Allow', async () => {
    const res = await request(api.server, 'PUT', '/api/clients', { token: owner.accessToken, json: {} });
    expect(res.status).toBe(405);
    expect(res.headers.allow?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
    expect(res.body).toMatchObject({ status: 405, detail: expect.stringContaining('PUT is not allowed') });
  });

  it('OPTIONS lists the methods; an unknown path stays a 404', async () => {
    const options = await request(api.server, 'OPTIONS', '/api/invoices/00000000-0000-4000-8000-000000000000/void');
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe('POST, OPTIONS');
    expect((await request(api.server, 'PUT', '/api/nothing-here')).status).toBe(404);
  });

  // Found by schemathesis: /api/emails/:id took /api/emails/retry-failed for an id, so its GET
  // showed in Allow and answered a 422 about the id.
  it("a path another route serves is not taken for an id: its Allow and its 405 are that route's", async () => {
    const options = await request(api.server, 'OPTIONS', '/api/emails/retry-failed', { token: owner.accessToken });
    expect(options.headers.allow).toBe('POST, OPTIONS');
    const get = await request(api.server, 'GET', '/api/emails/retry-failed', { token: owner.accessToken });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST, OPTIONS');
    expect((await request(api.server, 'OPTIONS', '/api/sms/status')).headers.allow).toBe('POST, OPTIONS');
  });

  it('an id that cannot be one is still a 422 naming it', async () => {
    const res = await request(api.server, 'GET', '/api/clients/not-an-id', { token: owner.accessToken });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'id', message: expect.any(String) }]);
  });
});

describe('what the document says is what the routes take (found by schemathesis)', () => {
  it("an email address the HTML rule allows is taken (o'brien@, x~y^z@)", async () => {
    for (const email of ["o'brien@example.com", 'x~y^z@mail.example.com']) {
      const res = await request(api.server, 'POST', '/api/clients', {
        token: owner.accessToken,
        json: { name: 'Pat', email },
      });
      expect([email, res.status]).toEqual([email, 201]);
    }
  });

  it('a null phone clears it, and an update with no field is refused as the schema says', async () => {
    const created = await request(api.server, 'POST', '/api/clients', {
      token: owner.accessToken,
      json: { name: 'Lin', phone: '+1 415 555 2671' },
    });
    const cleared = await request(api.server, 'PATCH', `/api/clients/${created.body.id}`, {
      token: owner.accessToken,
      json: { phone: null },
    });
    expect(cleared).toMatchObject({ status: 200, body: { phone: null } });
    expect(
      (await request(api.server, 'PATCH', `/api/clients/${created.body.id}`, { token: owner.accessToken, json: {} }))
        .status,
    ).toBe(422);
    const doc = (await request(api.server, 'GET', '/api/openapi.json')).body;
    expect(doc.components.schemas.UpdateClient).toMatchObject({
      minProperties: 1,
      properties: { phone: { type: ['string', 'null'] } },
    });
  });

  it('the codec takes payloads Postgres could not store: they are opaque to it and never stored', async () => {
    const res = await request(api.server, 'POST', '/api/temporal/codec/encode', {
      token: owner.accessToken,
      json: {
        payloads: [
          {
            metadata: { encoding: Buffer.from('json/plain').toString('base64'), 'note\u0000': 'AA==' },
            data: Buffer.from('"ab"').toString('base64'),
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.payloads).toHaveLength(1);
  });
});
