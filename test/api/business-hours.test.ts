// /api/tenant/hours: a business's opening hours (wall-clock ranges in its time zone), the
// cancellation window of the client's self-service link and the booking reminder offsets.
import { startApi, type RunningApi } from '../helpers/api';
import { createUser, registerTenant, type SignedInUser } from '../helpers/auth';
import { request } from '../helpers/http';

let api: RunningApi;
let owner: SignedInUser;
let admin: SignedInUser;
let other: SignedInUser;

beforeAll(async () => {
  api = await startApi();
  owner = await registerTenant(api.server, { businessName: 'Hours Clinic', timezone: 'Europe/Berlin' });
  admin = await createUser(api.server, owner, 'admin');
  other = await registerTenant(api.server, { businessName: 'Other Clinic' });
});
afterAll(() => api?.close());

const call = (method: string, path: string, options: Parameters<typeof request>[3] = {}) =>
  request(api.server, method, path, options);
const week = (over: Record<string, { open: string; close: string }[]> = {}) => ({
  mon: [
    { open: '08:00', close: '12:00' },
    { open: '13:00', close: '18:00' },
  ],
  tue: [{ open: '08:00', close: '18:00' }],
  wed: [],
  thu: [{ open: '08:00', close: '20:00' }],
  fri: [{ open: '08:00', close: '16:00' }],
  sat: [{ open: '09:00', close: '24:00' }],
  sun: [],
  ...over,
});

it('answers the defaults in the business time zone until the owner sets them', async () => {
  const res = await call('GET', '/api/tenant/hours', { token: admin.accessToken });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    timeZone: 'Europe/Berlin',
    hours: {
      mon: [{ open: '09:00', close: '17:00' }],
      tue: [{ open: '09:00', close: '17:00' }],
      wed: [{ open: '09:00', close: '17:00' }],
      thu: [{ open: '09:00', close: '17:00' }],
      fri: [{ open: '09:00', close: '17:00' }],
      sat: [],
      sun: [],
    },
    hoursAreDefault: true,
    cancellationWindowHours: 24,
    reminders: [
      { channel: 'email', minutesBefore: 1440 },
      { channel: 'sms', minutesBefore: 120 },
    ],
    remindersAreDefault: true,
  });
});

it('lets the owner set hours, window and reminders, keeps what is not sent, and audits it', async () => {
  const put = await call('PUT', '/api/tenant/hours', {
    token: owner.accessToken,
    json: { hours: week(), cancellationWindowHours: 48, reminders: [{ channel: 'email', minutesBefore: 2880 }] },
  });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({
    hours: week(),
    hoursAreDefault: false,
    cancellationWindowHours: 48,
    reminders: [{ channel: 'email', minutesBefore: 2880 }],
    remindersAreDefault: false,
  });

  const hoursOnly = await call('PUT', '/api/tenant/hours', {
    token: owner.accessToken,
    json: { hours: week({ wed: [{ open: '10:00', close: '14:00' }] }) },
  });
  expect(hoursOnly.body).toMatchObject({
    cancellationWindowHours: 48,
    reminders: [{ channel: 'email', minutesBefore: 2880 }],
  });
  expect((await call('GET', '/api/tenant/hours', { token: owner.accessToken })).body.hours.wed).toEqual([
    { open: '10:00', close: '14:00' },
  ]);

  const audit = await call('GET', `/api/audit?target=tenant:${owner.tenantId}&action=tenant.hours_updated`, {
    token: owner.accessToken,
  });
  expect(audit.body.items).toHaveLength(2);
});

it('goes back to the defaults on null', async () => {
  const res = await call('PUT', '/api/tenant/hours', {
    token: owner.accessToken,
    json: { hours: null, reminders: null },
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    hoursAreDefault: true,
    remindersAreDefault: true,
    hours: { sat: [] },
    reminders: [
      { channel: 'email', minutesBefore: 1440 },
      { channel: 'sms', minutesBefore: 120 },
    ],
  });
});

it('names each range and offset at fault', async () => {
  const res = await call('PUT', '/api/tenant/hours', {
    token: owner.accessToken,
    json: {
      hours: week({
        tue: [{ open: '12:00', close: '11:00' }],
        thu: [
          { open: '08:00', close: '12:00' },
          { open: '11:00', close: '15:00' },
        ],
        fri: [{ open: '25:00', close: '26:00' }],
      }),
      cancellationWindowHours: 1000,
      reminders: [
        { channel: 'email', minutesBefore: 60 },
        { channel: 'email', minutesBefore: 60 },
        { channel: 'fax', minutesBefore: 1 },
      ],
    },
  });
  expect(res.status).toBe(422);
  expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(
    expect.arrayContaining([
      'hours.tue.0.close',
      'hours.thu.1.open',
      'hours.fri.0.open',
      'cancellationWindowHours',
      'reminders.2.channel',
      'reminders.2.minutesBefore',
    ]),
  );
  const duplicate = await call('PUT', '/api/tenant/hours', {
    token: owner.accessToken,
    json: {
      hours: null,
      reminders: [
        { channel: 'sms', minutesBefore: 60 },
        { channel: 'sms', minutesBefore: 60 },
      ],
    },
  });
  expect(duplicate.status).toBe(422);
  expect(duplicate.body.errors).toEqual([{ path: 'reminders.1', message: 'is listed twice' }]);
});

it('is the owner’s to change, and each business has its own', async () => {
  expect((await call('PUT', '/api/tenant/hours', { token: admin.accessToken, json: { hours: week() } })).status).toBe(
    403,
  );
  await call('PUT', '/api/tenant/hours', {
    token: owner.accessToken,
    json: { hours: week({ sun: [{ open: '10:00', close: '12:00' }] }) },
  });
  const theirs = await call('GET', '/api/tenant/hours', { token: other.accessToken });
  expect(theirs.body).toMatchObject({ hoursAreDefault: true, hours: { sun: [] } });
});
