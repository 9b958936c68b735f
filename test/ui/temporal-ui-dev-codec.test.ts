// The dev stack's Temporal UI, opened cold in a fresh browser (no sign-in link, no Codec Server
// dialog), shows a workflow's input decoded, because the dev API runs with
// TEMPORAL_CODEC_LOCAL_DEV as `npm run dev` sets it. Without that setting the same cold UI gets
// 401s and ciphertext, which is production's behaviour.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { registerTenant } from '../helpers/auth';
import { request } from '../helpers/http';
import { eventually } from '../helpers/sandbox';
import { startUiStack, type UiStack } from '../helpers/ui-stack';

async function invoiceIn(stack: UiStack) {
  const owner = await registerTenant(stack.api, { businessName: 'Cold Start Studio' });
  const client = await request(stack.api, 'POST', '/api/clients', {
    token: owner.accessToken,
    json: { name: 'Vega Client', email: `vega-${randomUUID()}@client.example` },
  });
  const res = await request(stack.api, 'POST', '/api/invoices', {
    token: owner.accessToken,
    json: {
      clientId: client.body.id,
      amountCents: 2_500,
      currency: 'usd',
      description: 'Trim',
      dueDate: DateTime.utc().plus({ days: 10 }).toISODate(),
      channels: ['email'],
    },
  });
  expect(res.status).toBe(201);
  return { clientId: client.body.id as string, workflowId: res.body.workflowId as string };
}

async function openCold(stack: UiStack, workflowId: string) {
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  const decodeStatuses: number[] = [];
  page.on('response', (res) => {
    if (res.url().startsWith(`${stack.api.url}/api/temporal/codec/decode`) && res.request().method() === 'POST')
      decodeStatuses.push(res.status());
  });
  await page.goto(`${stack.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
  return { context, page, decodeStatuses };
}

describe('with TEMPORAL_CODEC_LOCAL_DEV, as npm run dev runs it', () => {
  let stack: UiStack;
  beforeAll(async () => {
    stack = await startUiStack({ TEMPORAL_CODEC_LOCAL_DEV: '1' });
  }, 120_000);
  afterAll(() => stack?.close());

  it('the UI opened cold shows the input in clear', async () => {
    const { clientId, workflowId } = await invoiceIn(stack);
    const { context, page, decodeStatuses } = await openCold(stack, workflowId);
    await page.getByText(clientId).first().waitFor({ timeout: 30_000 });
    expect(await page.locator('body').innerText()).toMatch(/"channels"\s*:\s*\[\s*"email"\s*\]/);
    expect(decodeStatuses.length).toBeGreaterThan(0);
    expect(decodeStatuses.every((s) => s === 200)).toBe(true);
    await context.close();
  });
});

describe('without it (production)', () => {
  let stack: UiStack;
  beforeAll(async () => {
    stack = await startUiStack();
  }, 120_000);
  afterAll(() => stack?.close());

  it('the same cold UI is refused by the codec and shows no clear text', async () => {
    const { clientId, workflowId } = await invoiceIn(stack);
    const { context, page, decodeStatuses } = await openCold(stack, workflowId);
    await eventually(() => (decodeStatuses.length > 0 ? true : undefined), 30_000);
    await page.getByText(workflowId).first().waitFor({ timeout: 30_000 });
    expect(decodeStatuses.every((s) => s === 401)).toBe(true);
    expect(await page.locator('body').innerText()).not.toContain(clientId);
    await context.close();
  });
});
