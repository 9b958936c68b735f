// The Temporal Web UI, in a real browser (Debian's chromium, headless, driven by playwright-core),
// shows a payment reminder's input decrypted through the API's codec endpoint, the way ops use it:
// a Temporal dev server of this test's own, started with the UI and --ui-codec-endpoint pointing
// at the API; the admin opens the sign-in link and ticks "Include cross-origin credentials" in the
// UI's Codec Server dialog. Another business's admin, signed in the same way, sees no clear text.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext } from 'playwright-core';
import { registerTenant, type SignedInUser } from '../helpers/auth';
import { request, type TestServer } from '../helpers/http';
import { eventually } from '../helpers/sandbox';
import { startUiStack, type UiStack } from '../helpers/ui-stack';

let stack: UiStack;
let api: TestServer;
let browser: Browser;
let uiUrl: string;
let ownerA: SignedInUser;
let ownerB: SignedInUser;
let invoice: { id: string; workflowId: string };
let clientId: string;

beforeAll(async () => {
  stack = await startUiStack();
  ({ api, browser, uiUrl } = stack);
  ownerA = await registerTenant(api, { businessName: 'Lantern Nails' });
  ownerB = await registerTenant(api, { businessName: 'Other Nails' });
  const client = await request(api, 'POST', '/api/clients', {
    token: ownerA.accessToken,
    json: { name: 'Juno Client', email: `juno-${randomUUID()}@client.example` },
  });
  clientId = client.body.id;
  const res = await request(api, 'POST', '/api/invoices', {
    token: ownerA.accessToken,
    json: {
      clientId,
      amountCents: 3_500,
      currency: 'usd',
      description: 'Gel manicure',
      dueDate: DateTime.utc().plus({ days: 10 }).toISODate(),
      channels: ['email'],
    },
  });
  expect(res.status).toBe(201);
  invoice = res.body;
  // The worker has run it (the payment link is made) before the UI looks.
  await eventually(
    async () =>
      (await request(api, 'GET', `/api/invoices/${invoice.id}`, { token: ownerA.accessToken })).body?.paymentUrl
        ? true
        : undefined,
    30_000,
  );
}, 120_000);

afterAll(() => stack?.close());

/**
 * A browser signed in as `user` for the codec, the way the runbook says: open the sign-in link
 * (it sets the cookie and lands on the UI), then in the UI's Codec Server dialog use this
 * browser's setting, the API's endpoint, with cross-origin credentials included.
 */
async function signedInBrowser(user: SignedInUser): Promise<BrowserContext> {
  const link = await request(api, 'POST', '/api/temporal/codec/session', { token: user.accessToken });
  expect(link.status).toBe(200);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link.body.signInUrl);
  expect(new URL(page.url()).origin).toBe(uiUrl);
  await page.getByRole('button', { name: /^Codec Server/ }).click();
  await page.getByText('Use my browser setting and ignore Cluster-level setting.').click();
  await page.getByLabel('Codec Server browser endpoint').fill(`${api.url}/api/temporal/codec`);
  await page.getByText('Include cross-origin credentials').click();
  await page.getByRole('button', { name: 'Apply' }).click();
  await eventually(
    async () => ((await page.evaluate("localStorage.getItem('includeCredentials')")) === 'true' ? true : undefined),
    5_000,
  );
  await page.close();
  return context;
}

async function openWorkflow(context: BrowserContext) {
  const page = await context.newPage();
  const decodeStatuses: number[] = [];
  const foreign: string[] = [];
  page.on('request', (req) => {
    const host = new URL(req.url()).hostname;
    if (!['127.0.0.1', 'localhost'].includes(host) && !req.url().startsWith('data:')) foreign.push(req.url());
  });
  page.on('response', (res) => {
    if (res.url().startsWith(`${api.url}/api/temporal/codec/decode`) && res.request().method() === 'POST')
      decodeStatuses.push(res.status());
  });
  await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(invoice.workflowId)}`);
  return { page, decodeStatuses, foreign };
}

it("shows the payment reminder's input decrypted to its business's admin", async () => {
  const context = await signedInBrowser(ownerA);
  const { page, decodeStatuses, foreign } = await openWorkflow(context);
  // The input, as the workflow received it: the invoice's client and channels, in clear.
  await page.getByText(clientId).first().waitFor({ timeout: 30_000 });
  const text = await page.locator('body').innerText();
  expect(text).toContain(ownerA.tenantId);
  expect(text).toMatch(/"channels"\s*:\s*\[\s*"email"\s*\]/);
  expect(decodeStatuses.length).toBeGreaterThan(0);
  expect(decodeStatuses.every((s) => s === 200)).toBe(true);
  expect(foreign).toEqual([]);
  await context.close();
});

it('shows no clear text to another business, whose codec answers 403', async () => {
  const context = await signedInBrowser(ownerB);
  const { page, decodeStatuses } = await openWorkflow(context);
  await eventually(() => (decodeStatuses.length > 0 ? true : undefined), 30_000);
  await page.getByText(invoice.workflowId).first().waitFor({ timeout: 30_000 });
  expect(decodeStatuses.every((s) => s === 403)).toBe(true);
  expect(await page.locator('body').innerText()).not.toContain(clientId);
  await context.close();
});
