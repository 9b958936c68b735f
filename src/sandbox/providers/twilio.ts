// Twilio REST 2010-04-01 (Messages create) with Twilio's checks on numbers and opt-outs, signed
// status callbacks, and inbound SMS delivered to the API signed with the auth token.
import { createHmac, randomBytes } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { formBody, jsonBody, str } from '../body';
import type { Sandbox } from '../context';
import { deliver } from '../deliver';
import { twilioError } from '../provider-errors';

const E164 = /^\+[1-9]\d{6,14}$/;
// Twilio's standard opt-out and opt-in keywords (Advanced Opt-Out defaults).
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
const START_WORDS = new Set(['START', 'YES', 'UNSTOP', 'OPTIN']);

export class TwilioStore {
  /** Recipients who texted STOP to a sender: "<recipient> <sender>". */
  readonly optedOut = new Set<string>();
  /** Every message created, newest last, as the Messages resource returns it. */
  readonly messages: Record<string, unknown>[] = [];
}

export function twilioRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/2010-04-01' });

  router.post('/Accounts/:accountSid/Messages.json', async (ctx) => {
    const accountSid = ctx.params.accountSid ?? '';
    if (!authenticated(sb, ctx, accountSid)) return;
    const form = await formBody(ctx);
    const to = str(form.To) ?? '';
    const from = str(form.From);
    const messagingServiceSid = str(form.MessagingServiceSid);
    const body = str(form.Body) ?? '';
    const statusCallback = str(form.StatusCallback);
    if (!to) return fail(ctx, 400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return fail(ctx, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from && !messagingServiceSid)
      return fail(ctx, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message.");
    if (from && !E164.test(from))
      return fail(
        ctx,
        400,
        21212,
        `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
      );
    if (!body.trim()) return fail(ctx, 400, 21602, 'Message body is required.');
    if (body.length > 1600)
      return fail(ctx, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (sb.twilio.optedOut.has(`${to} ${from ?? messagingServiceSid}`)) {
      return fail(ctx, 400, 21610, 'Attempt to send to unsubscribed recipient');
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const now = new Date().toUTCString().replace('GMT', '+0000');
    const message = {
      account_sid: accountSid,
      api_version: '2010-04-01',
      body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: from ?? null,
      messaging_service_sid: messagingServiceSid ?? null,
      num_media: '0',
      num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
      price: null,
      price_unit: 'USD',
      sid,
      status: messagingServiceSid ? 'accepted' : 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    };
    sb.twilio.messages.push(message);
    if (sb.twilio.messages.length > 5000) sb.twilio.messages.splice(0, 1000);
    sb.records.sent('twilio', {
      sid,
      to,
      from: from ?? messagingServiceSid,
      body,
      statusCallback: statusCallback ?? null,
    });
    ctx.status = 201;
    ctx.body = message;
    if (statusCallback) {
      // Twilio reports progress after answering; the order is what a real handset gives.
      setImmediate(
        () =>
          void sendStatusCallbacks(sb, statusCallback, {
            sid,
            accountSid,
            to,
            from: from ?? messagingServiceSid ?? '',
          }),
      );
    }
  });

  // Messages list, newest first, filtered by To and From like Twilio's (one page is enough here).
  router.get('/Accounts/:accountSid/Messages.json', (ctx) => {
    const accountSid = ctx.params.accountSid ?? '';
    if (!authenticated(sb, ctx, accountSid)) return;
    const to = str(ctx.query.To);
    const from = str(ctx.query.From);
    const pageSize = Math.min(Number(str(ctx.query.PageSize) ?? 50) || 50, 1000);
    const matching = sb.twilio.messages
      .filter((m) => m.account_sid === accountSid && (!to || m.to === to) && (!from || m.from === from))
      .reverse()
      .slice(0, pageSize);
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages.json?PageSize=${pageSize}&Page=0`;
    ctx.body = {
      messages: matching,
      end: Math.max(0, matching.length - 1),
      first_page_uri: uri,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      start: 0,
      uri,
    };
  });

  return router;
}

const inboundSchema = z.object({
  from: z.string().regex(E164, 'must be E.164'),
  to: z.string().regex(E164, 'must be E.164'),
  body: z.string(),
});

export function twilioControlRoutes(sb: Sandbox): Router {
  const router = new Router({ prefix: '/_sandbox/twilio' });
  router.post('/inbound', async (ctx) => {
    const input = inboundSchema.parse(await jsonBody(ctx));
    const keyword = input.body.trim().toUpperCase();
    if (STOP_WORDS.has(keyword)) sb.twilio.optedOut.add(`${input.from} ${input.to}`);
    if (START_WORDS.has(keyword)) sb.twilio.optedOut.delete(`${input.from} ${input.to}`);
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      ToCountry: 'US',
      ToState: '',
      SmsMessageSid: sid,
      NumMedia: '0',
      ToCity: '',
      FromZip: '',
      SmsSid: sid,
      FromState: '',
      SmsStatus: 'received',
      FromCity: '',
      Body: input.body,
      FromCountry: 'US',
      To: input.to,
      ToZip: '',
      NumSegments: '1',
      MessageSid: sid,
      AccountSid: sb.options.twilioAccountSid,
      From: input.from,
      ApiVersion: '2010-04-01',
    };
    const path = '/api/sms/webhook';
    const result = await postSigned(
      sb,
      'twilio-inbound',
      `${sb.options.apiUrl}${path}`,
      `${sb.options.publicBaseUrl}${path}`,
      params,
    );
    ctx.body = { status: result.status, messageSid: sid, ...(result.error ? { error: result.error } : {}) };
  });
  return router;
}

/**
 * Twilio's signature: HMAC-SHA1 with the auth token over the full URL followed by each POST
 * parameter name and value, sorted by name; base64.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

async function postSigned(
  sb: Sandbox,
  kind: 'twilio-inbound' | 'twilio-status',
  deliverTo: string,
  signedUrl: string,
  params: Record<string, string>,
): Promise<{ status: number; error?: string }> {
  return deliver(sb.records, kind, deliverTo, {
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
      'X-Twilio-Signature': twilioSignature(sb.options.twilioAuthToken, signedUrl, params),
      'User-Agent': 'TwilioProxy/1.1',
    },
    body: new URLSearchParams(params).toString(),
  });
}

async function sendStatusCallbacks(
  sb: Sandbox,
  url: string,
  m: { sid: string; accountSid: string; to: string; from: string },
): Promise<void> {
  for (const status of ['sent', 'delivered']) {
    const params = {
      MessageSid: m.sid,
      SmsSid: m.sid,
      AccountSid: m.accountSid,
      From: m.from,
      To: m.to,
      MessageStatus: status,
      SmsStatus: status,
      ApiVersion: '2010-04-01',
    };
    // The callback URL is the API's public one; deliver it to the API the sandbox knows when they differ.
    const target = url.startsWith(sb.options.publicBaseUrl)
      ? sb.options.apiUrl + url.slice(sb.options.publicBaseUrl.length)
      : url;
    await postSigned(sb, 'twilio-status', target, url, params);
  }
}

function authenticated(sb: Sandbox, ctx: Context, accountSid: string): boolean {
  const header = /^Basic (.+)$/.exec(ctx.get('Authorization'))?.[1];
  const [user, password] = header ? Buffer.from(header, 'base64').toString('utf8').split(/:(.*)/s) : [];
  if (user === accountSid && password === sb.options.twilioAuthToken) return true;
  fail(ctx, 401, 20003, 'Authenticate');
  return false;
}

function fail(ctx: Context, status: number, code: number, message: string): void {
  ctx.status = status;
  ctx.body = twilioError(status, code, message);
}
