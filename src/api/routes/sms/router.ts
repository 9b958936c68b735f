// SMS: outbound texts are stored and handed to their own smsDelivery workflow (the API calls no
// provider); Twilio's inbound-text and status webhooks are checked against X-Twilio-Signature
// before anything is read from them.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import coBody from 'co-body';
import { z } from 'zod';
import { findClient, findClientsByPhone } from '../../../db/clients';
import { findSms, insertOutboundSms, listSms } from '../../../db/sms-messages';
import { SMS_HELP_REPLY } from '../../../domain/sms';
import { smsWorkflowId } from '../../../domain/workflow-ids';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../../../errors';
import { requireIntegration } from '../../../providers/integration';
import { createTwilioSignatureValidator } from '../../../providers/twilio';
import { startSmsDelivery } from '../../../workflow-starters/sms-delivery';
import type { AppDeps } from '../../deps';
import type { AppContext, AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { whyNotTextable } from '../../fields/phone';
import { listPage } from '../../pagination';
import { applyDeliveryStatus, receiveInboundText } from './twilio-webhook';
import {
  idParams,
  inboundSmsForm,
  listSmsQuery,
  presentSms,
  sendSmsBody,
  smsAccepted,
  smsPage,
  smsSchema,
  statusCallbackForm,
  statusCallbackQuery,
} from './schema';
import { twiml } from './twiml';

const smsCursor = z.object({ createdAt: z.iso.datetime(), id: z.guid() });

export function smsRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/sms' });
  const endpoint = endpointsFor(router, deps, 'SMS');

  /** The form Twilio posted, once its signature over our public URL and the fields checks out. */
  async function signedForm(ctx: AppContext): Promise<Record<string, string>> {
    const validator = createTwilioSignatureValidator(deps.config);
    if (!ctx.is('application/x-www-form-urlencoded'))
      throw new UnsupportedMediaTypeError('Twilio posts application/x-www-form-urlencoded');
    const form = (await coBody.form(ctx.req, { limit: deps.config.http.bodyLimitBytes })) as Record<string, unknown>;
    const params = Object.fromEntries(
      Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
    // Twilio signs the URL it called: ours as the public sees it, query included.
    const url = `${deps.config.http.publicBaseUrl}${ctx.originalUrl}`;
    if (!validator.isValid(ctx.get('X-Twilio-Signature') || undefined, url, params)) {
      throw new ForbiddenError('The X-Twilio-Signature does not match this request');
    }
    return params;
  }

  endpoint({
    method: 'post',
    path: '/',
    operationId: 'sendSms',
    errors: { 409: 'The client has not consented to SMS, or texted STOP' },
    summary: 'Send an SMS',
    description:
      "To a client who consented to SMS (clientId) or to a number (to); a number that belongs to a client without consent is refused with 409. Stored, then sent by its own workflow with retries; 202 at once. Poll GET /api/sms/{id}: queued → sending → sent → delivered (Twilio's callbacks) or failed/undelivered.",
    access: 'staff',
    request: { body: sendSmsBody },
    responses: { 202: { description: 'Queued', schema: smsAccepted } },
    idempotent: true,
    async handler({ body, db, auth, audit }) {
      requireIntegration(deps.config, 'twilio');
      let to: string;
      let clientId: string | null;
      if (body.clientId) {
        const client = await findClient(db, body.clientId);
        if (!client) throw new ValidationError([{ path: 'clientId', message: 'is not a client of this business' }]);
        if (!client.phone)
          throw new ValidationError([{ path: 'clientId', message: 'this client has no phone number' }]);
        const notTextable = whyNotTextable(client.phone);
        if (notTextable)
          throw new ValidationError([{ path: 'clientId', message: `this client's phone ${notTextable}` }]);
        if (!client.smsConsent) throw new ConflictError('This client has not consented to SMS (or texted STOP)');
        to = client.phone;
        clientId = client.id;
      } else {
        to = body.to as string;
        const clients = await findClientsByPhone(db, to);
        const consenting = clients.find((c) => c.smsConsent);
        if (clients.length > 0 && !consenting)
          throw new ConflictError('This number belongs to a client who has not consented to SMS (or texted STOP)');
        clientId = consenting?.id ?? null;
      }
      const id = randomUUID();
      const workflowId = smsWorkflowId(auth.tenantId, id);
      await insertOutboundSms(db, { id, tenantId: auth.tenantId, clientId, to, body: body.body, workflowId });
      await audit({ action: 'sms.queued', target: `sms:${id}`, detail: { clientId } });
      // Started inside the transaction: if Temporal refuses, the text is not stored either.
      await startSmsDelivery(deps.temporal, deps.config, { tenantId: auth.tenantId, smsId: id, clientId });
      return {
        status: 202,
        body: { id, status: 'queued' as const, workflowId },
        headers: { Location: `/api/sms/${id}` },
      };
    },
  });

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'listSms',
    summary: 'List texts, sent and received',
    description: 'Newest first; `status`, `direction` and `clientId` filter.',
    access: 'staff',
    request: { query: listSmsQuery },
    responses: { 200: { description: 'A page of texts', schema: smsPage } },
    async handler({ query, db }) {
      const page = await listPage(
        query,
        smsCursor,
        (limit, after) =>
          listSms(db, {
            limit,
            ...(query.status ? { status: query.status } : {}),
            ...(query.direction ? { direction: query.direction } : {}),
            ...(query.clientId ? { clientId: query.clientId } : {}),
            ...(after ? { after } : {}),
          }),
        presentSms,
        (s) => ({ createdAt: s.cursorKey, id: s.id }),
      );
      return { status: 200, body: page };
    },
  });

  endpoint({
    method: 'get',
    path: '/:id',
    operationId: 'getSms',
    summary: 'One text and where its delivery stands',
    access: 'staff',
    request: { params: idParams },
    responses: { 200: { description: 'The text', schema: smsSchema } },
    async handler({ params, db }) {
      const sms = await findSms(db, params.id);
      if (!sms) throw new NotFoundError('No such text');
      return { status: 200, body: presentSms(sms) };
    },
  });

  endpoint({
    method: 'post',
    path: '/webhook',
    operationId: 'receiveTwilioSms',
    rawBody: {
      contentType: 'application/x-www-form-urlencoded',
      description: "Twilio's inbound message form",
      example: {
        MessageSid: 'SM00000000000000000000000000000001',
        From: '+14155552671',
        To: '+14155550100',
        Body: 'STOP',
      },
    },
    errors: {
      400: 'The form cannot be read',
      403: 'The X-Twilio-Signature does not match the request',
      415: 'Not application/x-www-form-urlencoded',
      422: 'The form lacks a field Twilio always sends',
    },
    summary: 'Twilio inbound SMS',
    description:
      "Form post from Twilio, X-Twilio-Signature checked against the public URL (403 when wrong). The text is kept for every business with a client at the sender's number; STOP (and Twilio's other opt-out words) withdraws those clients' SMS consent, START gives it back, HELP is answered. Answers TwiML.",
    access: 'public',
    responses: { 200: { description: 'TwiML', contentType: 'text/xml' } },
    async handler({ ctx }) {
      const form = inboundSmsForm.parse(await signedForm(ctx));
      const result = await receiveInboundText(
        deps.pool,
        { sid: form.MessageSid, from: form.From, to: form.To, body: form.Body },
        ctx.state.requestId,
      );
      ctx.state.webhookOutcome = result.tenants > 0 ? 'applied' : 'ignored';
      ctx.state.log.info(
        { twilioSid: form.MessageSid, keyword: result.keyword, tenants: result.tenants },
        'inbound sms',
      );
      return {
        status: 200,
        body: twiml(result.keyword === 'help' ? SMS_HELP_REPLY : null),
        headers: { 'Content-Type': 'text/xml; charset=utf-8' },
      };
    },
  });

  endpoint({
    method: 'post',
    path: '/status',
    operationId: 'receiveTwilioStatus',
    rawBody: {
      contentType: 'application/x-www-form-urlencoded',
      description: "Twilio's status callback form",
      example: { MessageSid: 'SM00000000000000000000000000000001', MessageStatus: 'delivered', To: '+14155552671' },
    },
    errors: {
      400: 'The form cannot be read',
      403: 'The X-Twilio-Signature does not match the request',
      415: 'Not application/x-www-form-urlencoded',
      422: 'The form or the callback URL lacks a field',
    },
    summary: 'Twilio delivery status callback',
    description:
      'Form post from Twilio, X-Twilio-Signature checked (403 when wrong). Moves the text (or payment reminder or booking text) with MessageSid forward to sent, delivered, undelivered or failed; a late or repeated callback changes nothing. 204.',
    access: 'public',
    responses: { 204: { description: 'Recorded (or nothing to record)' } },
    async handler({ ctx }) {
      const form = statusCallbackForm.parse(await signedForm(ctx));
      // Read only after the signature, which covers the URL: these ids are the ones we gave Twilio.
      const q = statusCallbackQuery.parse(ctx.query);
      const target =
        q.tenantId && q.smsId
          ? { tenantId: q.tenantId, smsId: q.smsId }
          : q.tenantId && q.invoiceId && q.step !== undefined
            ? { tenantId: q.tenantId, invoiceId: q.invoiceId, step: q.step }
            : null;
      const outcome = await applyDeliveryStatus(
        deps.pool,
        { sid: form.MessageSid, status: form.MessageStatus, to: form.To, errorCode: form.ErrorCode },
        target,
        ctx.state.requestId,
      );
      ctx.state.webhookOutcome = outcome;
      ctx.state.log.info(
        { twilioSid: form.MessageSid, status: form.MessageStatus, errorCode: form.ErrorCode, outcome },
        'sms status callback',
      );
      return { status: 204 };
    },
  });

  return router;
}
