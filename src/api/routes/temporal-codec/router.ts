// The Temporal remote codec (POST /api/temporal/codec/decode and /encode), so the Temporal UI and
// CLI show payloads in clear to the people allowed to read them, and nobody else.
//
// Every payload of a tenant's workflow names its tenant and is encrypted with that tenant id as
// AES-GCM associated data (payload-codec.ts). /decode answers only when each encrypted payload
// names the caller's tenant: a payload of another tenant, or of none, is refused (403), and one
// relabelled with the caller's tenant fails authentication and is refused the same way. /encode
// encrypts for the caller's tenant. Callers are admins, by bearer token or codec session cookie.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { Payload } from '@temporalio/common';
import { BadRequestError, ForbiddenError, ValidationError } from '../../../errors';
import {
  EncryptionCodec,
  PayloadIntegrityError,
  payloadOwner,
  UnknownCodecKeyError,
} from '../../../temporal/payload-codec';
import type { AppDeps } from '../../deps';
import type { AppContext, AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { rateLimitByTenant } from '../../middleware/rate-limit';
import { requireRole } from '../../middleware/require-role';
import { validate } from '../../middleware/validate';
import { documentLayer } from '../../openapi/route-docs';
import { rateLimitsFor } from '../../rate-limit/per-config';
import { codecAuthenticate } from './codec-auth';
import { CODEC_SESSION_COOKIE, CODEC_SESSION_TTL_SECONDS, signCodecToken, verifyCodecToken } from './codec-session';
import { CODEC_PATH_PREFIX } from './cors';
import {
  codecRequestBody,
  codecResponseBody,
  codecSignInLink,
  codecSignInQuery,
  payloadFromJson,
  payloadToJson,
  type PayloadJson,
} from './schema';

const NOT_YOURS =
  'These payloads belong to another business, or to none: sign in as an admin of the business whose workflow this is';

export function temporalCodecRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: CODEC_PATH_PREFIX });
  const codec = new EncryptionCodec(deps.config.encryptionKey, deps.config.previousEncryptionKeys);
  const limits = rateLimitsFor(deps.config, deps.logger);
  const namespace = deps.config.temporal.namespace;

  // The UI and the CLI name the namespace whose payloads they send; this codec serves one.
  const sameNamespace: Middleware<AppState> = async function sameNamespace(ctx, next) {
    const asked = ctx.get('X-Namespace');
    if (asked && asked !== namespace)
      throw new BadRequestError(`This codec serves the namespace ${namespace}, not ${asked}`);
    return next();
  };

  const codecRoute = (
    path: string,
    operationId: string,
    summary: string,
    description: string,
    convert: (ctx: AppContext, payloads: Payload[]) => Promise<Payload[]>,
  ) => {
    const layer = router.register(
      path,
      ['POST'],
      [
        codecAuthenticate(deps),
        requireRole('admin'),
        rateLimitByTenant(limits.tenant, limits.windowSeconds.tenant),
        sameNamespace,
        validate({ body: codecRequestBody }, { storable: false }),
        async function runCodec(ctx: AppContext) {
          const { payloads } = (ctx.state.input?.body ?? { payloads: [] }) as { payloads: PayloadJson[] };
          const converted = await convert(ctx, payloads.map(payloadFromJson));
          ctx.set('Cache-Control', 'no-store');
          ctx.status = 200;
          ctx.body = { payloads: converted.map(payloadToJson) };
        },
      ],
    );
    documentLayer(layer, {
      operationId,
      summary,
      description,
      tags: ['Temporal codec'],
      access: 'admin',
      security: 'codec',
      body: codecRequestBody,
      // Temporal's codec protocol: no body is no payloads.
      bodyOptional: true,
      errors: {
        400: 'X-Namespace names another namespace than the one this codec serves',
        403: 'The payloads belong to another business, or to none, or fail authentication',
        422: 'The payloads were encrypted with a key this server does not have',
      },
      responses: { 200: { description: 'The payloads, converted', schema: codecResponseBody } },
      idempotent: false,
    });
  };

  codecRoute(
    '/decode',
    'decodePayloads',
    'Decrypt payloads (Temporal remote codec)',
    "For the Temporal UI and CLI. Only payloads of the caller's business decode (403 otherwise); payloads that are not encrypted come back as they are. Accepts the bearer token or the codec session cookie.",
    async (ctx, payloads) => {
      const tenantId = ctx.state.auth!.tenantId;
      if (
        !ctx.state.codecLocalDeveloper &&
        payloads.some((p) => {
          const owner = payloadOwner(p);
          return owner.encrypted && owner.tenantId !== tenantId;
        })
      ) {
        throw new ForbiddenError(NOT_YOURS);
      }
      try {
        return await codec.decode(payloads);
      } catch (err) {
        if (err instanceof PayloadIntegrityError) throw new ForbiddenError(NOT_YOURS, { cause: err });
        if (err instanceof UnknownCodecKeyError)
          throw new ValidationError([
            {
              path: 'payloads',
              message:
                'were encrypted with a key this server does not have (ENCRYPTION_KEY / ENCRYPTION_KEYS_PREVIOUS)',
            },
          ]);
        throw err;
      }
    },
  );

  codecRoute(
    '/encode',
    'encodePayloads',
    'Encrypt payloads (Temporal remote codec)',
    "For the Temporal UI and CLI (a signal or a start typed in the UI). Encrypts for the caller's business.",
    // The local developer belongs to no business: what the dev UI types goes to the workflow in
    // plain JSON, which the worker's codec passes through.
    async (ctx, payloads) =>
      ctx.state.codecLocalDeveloper ? payloads : codec.encodeForTenant(ctx.state.auth!.tenantId, payloads),
  );

  const endpoint = endpointsFor(router, deps, 'Temporal codec');

  endpoint({
    method: 'post',
    path: '/session',
    operationId: 'createCodecSignInLink',
    summary: 'A sign-in link for the Temporal UI',
    description:
      'Open the link in the browser you use the Temporal UI in: it sets a codec-only session cookie (8 hours) and goes on to the UI. In the UI, tick "Include cross-origin credentials" in the Codec Server settings.',
    access: 'admin',
    responses: { 200: { description: 'The link, good for two minutes', schema: codecSignInLink } },
    async handler({ auth, audit }) {
      const { token, expiresAt } = await signCodecToken(deps.config.auth, 'ticket', auth);
      await audit({ action: 'codec.sign_in_link_created', target: `user:${auth.userId}` });
      const url = new URL(`${CODEC_PATH_PREFIX}/session`, deps.config.http.publicBaseUrl);
      url.searchParams.set('ticket', token);
      return {
        status: 200,
        body: {
          signInUrl: url.toString(),
          expiresAt: expiresAt.toISOString(),
          sessionHours: CODEC_SESSION_TTL_SECONDS / 3600,
        },
      };
    },
  });

  endpoint({
    method: 'get',
    path: '/session',
    operationId: 'exchangeCodecSignInLink',
    errors: { 401: 'The sign-in link is not valid or has expired' },
    summary: 'Exchange a sign-in link for the codec session cookie',
    description: 'Sets the cookie, then redirects to the Temporal UI (TEMPORAL_UI_URL) when one is configured.',
    access: 'public',
    request: { query: codecSignInQuery },
    responses: {
      303: { description: 'Signed in; on to the Temporal UI' },
      200: {
        description: 'Signed in (no Temporal UI URL configured)',
        schema: codecSignInLink.pick({ expiresAt: true, sessionHours: true }),
      },
    },
    async handler({ query, ctx }) {
      const principal = await verifyCodecToken(deps.config.auth, 'ticket', query.ticket);
      const { token, expiresAt } = await signCodecToken(deps.config.auth, 'session', principal);
      // Cross-site (a UI on another domain) needs SameSite=None, which browsers take only with Secure.
      const secure = ctx.secure;
      ctx.cookies.set(CODEC_SESSION_COOKIE, token, {
        httpOnly: true,
        secure,
        sameSite: secure ? 'none' : 'lax',
        path: CODEC_PATH_PREFIX,
        maxAge: CODEC_SESSION_TTL_SECONDS * 1000,
        overwrite: true,
      });
      const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
      const ui = deps.config.temporal.uiUrl;
      if (ui) return { status: 303, headers: { ...headers, Location: ui } };
      return {
        status: 200,
        headers,
        body: { expiresAt: expiresAt.toISOString(), sessionHours: CODEC_SESSION_TTL_SECONDS / 3600 },
      };
    },
  });

  return router;
}
