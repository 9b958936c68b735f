// GET /api/docs renders the generated spec in a real browser (Debian's chromium, headless, driven
// by playwright-core), with no request leaving this server and no CSP violation.
import { chromium, type Browser } from 'playwright-core';
import { startApi, type RunningApi } from '../helpers/api';
import { request } from '../helpers/http';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let api: RunningApi;
let browser: Browser;
beforeAll(async () => {
  api = await startApi();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
});
afterAll(async () => {
  await browser?.close();
  await api.close();
});

it('serves the page with a CSP that allows only its own scripts', async () => {
  const res = await request(api.server, 'GET', '/api/docs');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/text\/html/);
  expect(res.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
  expect(res.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
  // The JSON API keeps helmet's stricter defaults.
  const json = await request(api.server, 'GET', '/api/openapi.json');
  expect(json.headers['content-security-policy']).not.toBe(res.headers['content-security-policy']);
});

it('renders the OpenAPI document in headless Chromium from local assets only', async () => {
  const page = await browser.newPage();
  const foreign: string[] = [];
  const problems: string[] = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(api.server.url) && !req.url().startsWith('data:')) foreign.push(req.url());
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));

  await page.goto(`${api.server.url}/api/docs`);
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'Frontdesk API' }).waitFor({ timeout: 30_000 });
  await page.locator('.opblock-summary-path', { hasText: '/api/clients/{id}' }).first().waitFor();
  const text = await page.locator('#swagger-ui').innerText();
  for (const expected of [
    '/api/auth/register',
    '/api/auth/login',
    '/api/clients',
    '/api/audit',
    '/api/system/status',
    'Authorize',
  ]) {
    expect(text).toContain(expected);
  }
  // Opening an operation shows the schema generated from zod.
  await page
    .locator('.opblock-summary-path', { hasText: /^\/api\/clients$/ })
    .locator('xpath=ancestor::*[contains(@class,"opblock-summary")]')
    .first()
    .click();
  await page.getByText('smsConsentSource').first().waitFor();

  expect(foreign).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});
