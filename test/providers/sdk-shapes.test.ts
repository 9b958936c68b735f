// The sandbox's answers carry the fields the SDKs' own TypeScript types declare for what
// src/providers reads. Each schema's parsed type is assigned to a Pick of the SDK type, so a
// field the SDK renames or retypes fails the typecheck, and a field the sandbox drops or
// mistypes fails here at run time.
import Anthropic from '@anthropic-ai/sdk';
import { calendar, type calendar_v3 } from 'googleapis/build/src/apis/calendar';
import { gmail as gmailApi, type gmail_v1 } from 'googleapis/build/src/apis/gmail';
import Stripe from 'stripe';
import twilio from 'twilio';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message';
import { z } from 'zod';
import { createGoogleOAuth } from '../../src/providers/google/oauth';
import { SANDBOX_CREDENTIALS } from '../../src/providers/sandbox-credentials';
import { SandboxRequestClient } from '../../src/providers/twilio';
import { type SandboxHarness, startTestSandbox } from '../helpers/sandbox';

let h: SandboxHarness;
let auth: ReturnType<ReturnType<typeof createGoogleOAuth>['clientFor']>;

beforeAll(async () => {
  h = await startTestSandbox();
  auth = createGoogleOAuth(h.config).clientFor(await h.connectMailbox('shapes@salon.example'));
});
afterAll(() => h.close());

const nonEmpty = z.string().min(1);

describe('Gmail responses', () => {
  const gmail = () => gmailApi({ version: 'v1', auth, rootUrl: `${h.url}/`, retry: false, fetchImplementation: fetch });

  it('messages.send, messages.get, messages.list, history.list, watch and getProfile', async () => {
    const api = gmail();
    const raw = Buffer.from(
      'From: shapes@salon.example\r\nTo: a@example.com\r\nSubject: Hi\r\nMessage-ID: <shape-1@t>\r\n\r\nHello\r\n',
    ).toString('base64url');

    const sentShape = z.object({ id: nonEmpty, threadId: nonEmpty, labelIds: z.array(z.string()) });
    const sent: Pick<gmail_v1.Schema$Message, 'id' | 'threadId' | 'labelIds'> = sentShape.parse(
      (await api.users.messages.send({ userId: 'me', requestBody: { raw } })).data,
    );

    const partShape = z.object({
      mimeType: nonEmpty,
      filename: z.string(),
      headers: z.array(z.object({ name: nonEmpty, value: z.string() })),
      body: z.object({ size: z.number(), data: z.string().optional() }),
    });
    const messageShape = z.object({
      id: nonEmpty,
      threadId: nonEmpty,
      labelIds: z.array(z.string()),
      historyId: z.string().regex(/^\d+$/),
      internalDate: z.string().regex(/^\d+$/),
      snippet: z.string(),
      payload: partShape,
    });
    const got = await api.users.messages.get({ userId: 'me', id: sent.id!, format: 'full' });
    const message: Pick<
      gmail_v1.Schema$Message,
      'id' | 'threadId' | 'labelIds' | 'historyId' | 'internalDate' | 'snippet'
    > & {
      payload: Pick<gmail_v1.Schema$MessagePart, 'mimeType' | 'filename' | 'headers' | 'body'>;
    } = messageShape.parse(got.data);
    expect(message.payload.headers).toContainEqual({ name: 'Message-ID', value: '<shape-1@t>' });

    const rawShape = z.object({ raw: nonEmpty });
    const rawMessage: Pick<gmail_v1.Schema$Message, 'raw'> = rawShape.parse(
      (await api.users.messages.get({ userId: 'me', id: sent.id!, format: 'raw' })).data,
    );
    expect(Buffer.from(rawMessage.raw!, 'base64url').toString()).toContain('Hello');

    const listShape = z.object({
      messages: z.array(z.object({ id: nonEmpty, threadId: nonEmpty })),
      resultSizeEstimate: z.number(),
    });
    const list: Pick<gmail_v1.Schema$ListMessagesResponse, 'messages' | 'resultSizeEstimate'> = listShape.parse(
      (await api.users.messages.list({ userId: 'me', q: 'rfc822msgid:shape-1@t' })).data,
    );
    expect(list.messages).toHaveLength(1);

    const profileShape = z.object({
      emailAddress: nonEmpty,
      historyId: z.string().regex(/^\d+$/),
      messagesTotal: z.number(),
      threadsTotal: z.number(),
    });
    const profile: Pick<gmail_v1.Schema$Profile, 'emailAddress' | 'historyId' | 'messagesTotal' | 'threadsTotal'> =
      profileShape.parse((await api.users.getProfile({ userId: 'me' })).data);

    const watchShape = z.object({ historyId: z.string().regex(/^\d+$/), expiration: z.string().regex(/^\d+$/) });
    const watch: Pick<gmail_v1.Schema$WatchResponse, 'historyId' | 'expiration'> = watchShape.parse(
      (await api.users.watch({ userId: 'me', requestBody: { topicName: 'projects/p/topics/t' } })).data,
    );
    expect(watch.historyId).toBe(profile.historyId);

    await h.control('POST', '/_sandbox/gmail/inbox', {
      to: 'shapes@salon.example',
      from: 'b@example.com',
      subject: 's',
      text: 't',
    });
    const historyShape = z.object({
      history: z.array(
        z.object({
          id: z.string().regex(/^\d+$/),
          messagesAdded: z.array(
            z.object({ message: z.object({ id: nonEmpty, threadId: nonEmpty, labelIds: z.array(z.string()) }) }),
          ),
        }),
      ),
      historyId: z.string().regex(/^\d+$/),
    });
    const history: Pick<gmail_v1.Schema$ListHistoryResponse, 'history' | 'historyId'> = historyShape.parse(
      (await api.users.history.list({ userId: 'me', startHistoryId: watch.historyId!, historyTypes: ['messageAdded'] }))
        .data,
    );
    expect(history.history).toHaveLength(1);
  });
});

describe('Calendar responses', () => {
  it('events.insert/patch/list and freebusy.query', async () => {
    const api = calendar({ version: 'v3', auth, rootUrl: `${h.url}/`, retry: false, fetchImplementation: fetch });
    const eventShape = z.object({
      id: nonEmpty,
      status: z.enum(['confirmed', 'tentative', 'cancelled']),
      summary: z.string(),
      htmlLink: nonEmpty,
      start: z.object({ dateTime: nonEmpty }),
      end: z.object({ dateTime: nonEmpty }),
      attendees: z.array(z.object({ email: nonEmpty, responseStatus: nonEmpty })),
    });
    type EventRead = Pick<calendar_v3.Schema$Event, 'id' | 'status' | 'summary' | 'htmlLink'> & {
      start: Pick<calendar_v3.Schema$EventDateTime, 'dateTime'>;
      end: Pick<calendar_v3.Schema$EventDateTime, 'dateTime'>;
      attendees: Pick<calendar_v3.Schema$EventAttendee, 'email' | 'responseStatus'>[];
    };
    const body = {
      summary: 'Cut',
      start: { dateTime: '2026-12-01T10:00:00Z' },
      end: { dateTime: '2026-12-01T11:00:00Z' },
      attendees: [{ email: 'd@example.com' }],
    };
    const inserted: EventRead = eventShape.parse(
      (await api.events.insert({ calendarId: 'primary', requestBody: body })).data,
    );
    const patched: EventRead = eventShape.parse(
      (
        await api.events.patch({
          calendarId: 'primary',
          eventId: inserted.id!,
          requestBody: { summary: 'Cut & colour' },
        })
      ).data,
    );
    expect(patched.summary).toBe('Cut & colour');

    const listShape = z.object({ items: z.array(eventShape), kind: z.literal('calendar#events') });
    const list: Pick<calendar_v3.Schema$Events, 'kind'> & { items: EventRead[] } = listShape.parse(
      (
        await api.events.list({
          calendarId: 'primary',
          timeMin: '2026-12-01T00:00:00Z',
          timeMax: '2026-12-02T00:00:00Z',
          singleEvents: true,
          orderBy: 'startTime',
        })
      ).data,
    );
    expect(list.items).toHaveLength(1);

    const busyShape = z.object({
      calendars: z.record(z.string(), z.object({ busy: z.array(z.object({ start: nonEmpty, end: nonEmpty })) })),
    });
    const busy: Pick<calendar_v3.Schema$FreeBusyResponse, 'calendars'> = busyShape.parse(
      (
        await api.freebusy.query({
          requestBody: { timeMin: '2026-12-01T00:00:00Z', timeMax: '2026-12-02T00:00:00Z', items: [{ id: 'primary' }] },
        })
      ).data,
    );
    expect(busy.calendars?.primary?.busy).toHaveLength(1);
  });
});

describe('Stripe responses', () => {
  it('Checkout Session and Refund', async () => {
    const url = new URL(h.url);
    const stripe = new Stripe(SANDBOX_CREDENTIALS.stripeSecretKey, {
      host: url.hostname,
      port: url.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const sessionShape = z.object({
      id: z.string().startsWith('cs_'),
      object: z.literal('checkout.session'),
      url: z.url().nullable(),
      status: z.enum(['open', 'complete', 'expired']),
      payment_status: z.enum(['paid', 'unpaid', 'no_payment_required']),
      payment_intent: z.string().nullable(),
      amount_total: z.number().int(),
      currency: z.string().length(3),
      metadata: z.record(z.string(), z.string()),
      expires_at: z.number().int(),
    });
    type SessionRead = Pick<
      Stripe.Checkout.Session,
      | 'id'
      | 'object'
      | 'url'
      | 'status'
      | 'payment_status'
      | 'payment_intent'
      | 'amount_total'
      | 'currency'
      | 'metadata'
      | 'expires_at'
    >;
    const created = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ quantity: 2, price_data: { currency: 'eur', unit_amount: 1250, product_data: { name: 'Trim' } } }],
      metadata: { invoiceId: 'inv-1' },
      success_url: 'https://x.example/ok',
    });
    const session: SessionRead = sessionShape.parse(created);
    expect(session.amount_total).toBe(2500);

    const paid = await h.control('POST', `/_sandbox/stripe/checkout/${session.id}/complete`);
    const refundShape = z.object({
      id: z.string().startsWith('re_'),
      object: z.literal('refund'),
      status: z.string(),
      amount: z.number().int(),
      currency: z.string().length(3),
      payment_intent: z.string(),
    });
    const refund: Pick<Stripe.Refund, 'id' | 'object' | 'status' | 'amount' | 'currency' | 'payment_intent'> =
      refundShape.parse(await stripe.refunds.create({ payment_intent: paid.body.paymentIntentId }));
    expect(refund.amount).toBe(2500);
  });
});

describe('Twilio responses', () => {
  it('Message create', async () => {
    const client = twilio(SANDBOX_CREDENTIALS.twilioAccountSid, h.config.twilio.authToken, {
      httpClient: new SandboxRequestClient(h.url, { autoRetry: false }),
    });
    const shape = z.object({
      sid: z.string().regex(/^SM[0-9a-f]{32}$/),
      status: z.enum(['queued', 'accepted', 'sending', 'sent', 'delivered']),
      to: nonEmpty,
      from: nonEmpty,
      dateCreated: z.date(),
      numSegments: z.string(),
    });
    const message: Pick<MessageInstance, 'sid' | 'status' | 'to' | 'from' | 'dateCreated' | 'numSegments'> =
      shape.parse(await client.messages.create({ to: '+15551230009', from: '+15005550006', body: 'hello' }));
    expect(message.status).toBe('queued');

    const listed = await client.messages.list({ to: '+15551230009', limit: 20 });
    const listShape = z.array(
      shape.extend({
        body: z.string(),
        direction: z.enum(['outbound-api', 'outbound-call', 'outbound-reply', 'inbound']),
      }),
    );
    const list: Pick<
      MessageInstance,
      'sid' | 'status' | 'to' | 'from' | 'dateCreated' | 'numSegments' | 'body' | 'direction'
    >[] = listShape.parse(listed);
    expect(list.map((m) => m.sid)).toEqual([message.sid]);
  });
});

describe('Anthropic responses', () => {
  it('a Message with a forced tool_use block', async () => {
    const client = new Anthropic({
      apiKey: SANDBOX_CREDENTIALS.anthropicApiKey,
      baseURL: `${h.url}/anthropic`,
      maxRetries: 0,
    });
    const toolUse = z.object({
      type: z.literal('tool_use'),
      id: z.string().startsWith('toolu_'),
      name: nonEmpty,
      input: z.record(z.string(), z.unknown()),
    });
    const shape = z.object({
      id: z.string().startsWith('msg_'),
      type: z.literal('message'),
      role: z.literal('assistant'),
      model: nonEmpty,
      content: z.array(toolUse).length(1),
      stop_reason: z.literal('tool_use'),
      stop_sequence: z.null(),
      usage: z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() }),
    });
    const message: Pick<Anthropic.Message, 'id' | 'type' | 'role' | 'model' | 'stop_reason' | 'stop_sequence'> & {
      content: Pick<Anthropic.ToolUseBlock, 'type' | 'id' | 'name' | 'input'>[];
      usage: Pick<Anthropic.Usage, 'input_tokens' | 'output_tokens'>;
    } = shape.parse(
      await client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 100,
        tools: [{ name: 'draft_reply', input_schema: { type: 'object', properties: { body: { type: 'string' } } } }],
        tool_choice: { type: 'tool', name: 'draft_reply' },
        messages: [{ role: 'user', content: 'When are you open?' }],
      }),
    );
    expect(message.content[0]!.input).toHaveProperty('body');
  });
});
