// The one way routes are declared. A route is a spec (method, path, who may call it, zod schemas
// for params/query/body and for each response, whether it takes an Idempotency-Key) plus a thin
// handler. From the spec this builds the middleware chain every route follows:
//
//   authenticate → requireRole → per-tenant rate limit → validate (422) → tenant transaction
//     → Idempotency-Key → handler → response checked against its schema
//
// and records the spec for the OpenAPI document, so the schemas that validate are the schemas
// that are documented. Handlers of signed-in routes get the tenant transaction (`db`) and never
// the pool: there is no other way for them to reach tenant data.
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';
import type { DatabasePool } from 'slonik';
import type { z, ZodType } from 'zod';
import type { Config } from '../config';
import { insertAuditEntry } from '../db/audit';
import type { TenantTx } from '../db/sql';
import type { Logger } from '../observability/logger';
import type { Principal } from './auth/access-token';
import type { AppContext, AppState } from './context';
import type { Access } from './endpoint-types';
import { authenticate } from './middleware/authenticate';
import { idempotency } from './middleware/idempotency';
import { rateLimitByTenant } from './middleware/rate-limit';
import { requireRole } from './middleware/require-role';
import { tenantTransaction } from './middleware/tenant-transaction';
import { validate, type RequestSchemas } from './middleware/validate';
import { documentLayer, type RouteDoc } from './openapi/route-docs';
import { rateLimitsFor } from './rate-limit/per-config';

export type { Access };

type Out<S> = S extends ZodType ? z.output<S> : undefined;

export interface AuditNote {
  /** What happened, `<resource>.<verb>`: client.created, user.created, auth.login… */
  action: string;
  /** What it happened to, `<resource>:<id>`: client:4f1c… */
  target: string | null;
  detail?: Record<string, unknown>;
}

interface BaseInput<S extends RequestSchemas> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
  ctx: AppContext;
}

export interface TenantInput<S extends RequestSchemas> extends BaseInput<S> {
  auth: Principal;
  /** The request's tenant transaction. */
  db: TenantTx;
  /** Records an audit entry (actor, tenant, request id filled in) in the request's transaction. */
  audit(note: AuditNote): Promise<void>;
}

export type EndpointInput<A extends Access, S extends RequestSchemas> = A extends 'public'
  ? BaseInput<S>
  : TenantInput<S>;

export interface EndpointResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface EndpointSpec<A extends Access, S extends RequestSchemas> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Relative to the router's prefix, Koa style (`/:id`). */
  path: string;
  /** Stable and unique, verbNoun (`createClient`): generated clients name their methods after it. */
  operationId: string;
  summary: string;
  description?: string;
  access: A;
  request?: S;
  /** Every status the handler may answer with success, and its body's schema. */
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>;
  /**
   * The errors this route answers beyond those every route of its kind may (the document adds
   * 400/413/415 for a JSON body, 401/403 when signed in, 404 for ids, 422, 429, 503 itself).
   */
  errors?: RouteDoc['errors'];
  /** Not the bearer token: a webhook's signature (`none`), the METRICS_TOKEN (`metrics`). */
  security?: RouteDoc['security'];
  /** A webhook's body, which the handler reads and verifies itself. */
  rawBody?: RouteDoc['rawBody'];
  /** Answers without Postgres or Temporal. */
  standalone?: boolean;
  /** A creating POST: accepts Idempotency-Key. */
  idempotent?: boolean;
  /**
   * A POST/PUT/PATCH/DELETE that changes nothing (e.g. a computation): exempt from the rule that
   * every mutation leaves an audit entry.
   */
  readOnly?: boolean;
  /** Signed-in routes run in a tenant transaction unless this is false (they then get no `db`). */
  transaction?: boolean;
  handler(input: EndpointInput<A, S>): Promise<EndpointResult>;
}

export interface EndpointDeps {
  config: Config;
  pool: DatabasePool;
  logger: Logger;
}

/** `const endpoint = endpointsFor(router, deps, 'Clients')`, then one `endpoint({...})` per route. */
export function endpointsFor(router: Router<AppState>, deps: EndpointDeps, tag: string) {
  return function endpoint<A extends Access, S extends RequestSchemas = Record<never, never>>(
    spec: EndpointSpec<A, S>,
  ): void {
    const signedIn = spec.access !== 'public';
    const inTransaction = signedIn && spec.transaction !== false;
    const mustAudit = inTransaction && spec.method !== 'get' && !spec.readOnly;
    if (spec.idempotent && !inTransaction) {
      throw new Error(
        `${spec.method.toUpperCase()} ${spec.path}: Idempotency-Key needs a signed-in route in a tenant transaction`,
      );
    }

    const chain: Middleware<AppState>[] = [];
    if (spec.access !== 'public') {
      const limits = rateLimitsFor(deps.config, deps.logger);
      chain.push(
        authenticate(deps.config.auth),
        requireRole(spec.access),
        rateLimitByTenant(limits.tenant, limits.windowSeconds.tenant),
      );
    }
    chain.push(validate(spec.request ?? {}));
    if (inTransaction) chain.push(tenantTransaction(deps.pool));
    if (spec.idempotent) chain.push(idempotency({ ttlHours: deps.config.http.idempotencyKeyTtlHours }));
    chain.push(async function runEndpoint(ctx: AppContext): Promise<void> {
      const input = ctx.state.input ?? { params: undefined, query: undefined, body: undefined };
      let audited = 0;
      const base = { params: input.params, query: input.query, body: input.body, ctx };
      const handlerInput = signedIn ? tenantInput(ctx, base, () => (audited += 1)) : base;
      const result = await spec.handler(handlerInput as EndpointInput<A, S>);
      if (mustAudit && audited === 0) {
        throw new Error(`${ctx.method} ${spec.path} changed data without recording an audit entry`);
      }
      respond(ctx, spec, result);
    });

    const layer = router.register(
      spec.path,
      [spec.method.toUpperCase()],
      [onlyWhenParamsFit(spec.request?.params, compose(chain))],
    );
    documentLayer(layer, {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [tag],
      access: spec.access,
      ...(spec.request?.params ? { params: spec.request.params } : {}),
      ...(spec.request?.query ? { query: spec.request.query } : {}),
      ...(spec.request?.body ? { body: spec.request.body } : {}),
      responses: spec.responses,
      ...(spec.errors ? { errors: spec.errors } : {}),
      ...(spec.security ? { security: spec.security } : {}),
      ...(spec.rawBody ? { rawBody: spec.rawBody } : {}),
      ...(spec.standalone ? { standalone: true } : {}),
      idempotent: spec.idempotent ?? false,
    });
  };
}

/**
 * GET /emails/:id does not serve /emails/retry-failed: a path whose parameters cannot be this
 * route's passes on to the other routes, and at last to noRoute (405 with Allow when the path is
 * another method's, else the 422 naming the parameter).
 */
function onlyWhenParamsFit(schema: ZodType | undefined, route: Middleware<AppState>): Middleware<AppState> {
  if (!schema) return route;
  return function paramsFit(ctx, next) {
    return schema.safeParse((ctx as AppContext & { params?: unknown }).params ?? {}).success
      ? route(ctx, next)
      : next();
  };
}

function tenantInput(
  ctx: AppContext,
  base: BaseInput<RequestSchemas>,
  onAudit: () => void,
): TenantInput<RequestSchemas> {
  const auth = ctx.state.auth;
  if (!auth) throw new Error('signed-in endpoint without a principal');
  const db = (): TenantTx => {
    if (!ctx.state.db) throw new Error('this endpoint runs without a tenant transaction');
    return ctx.state.db;
  };
  return {
    ...base,
    auth,
    get db() {
      return db();
    },
    async audit(note) {
      await insertAuditEntry(db(), {
        tenantId: auth.tenantId,
        actorId: auth.userId,
        action: note.action,
        target: note.target,
        requestId: ctx.state.requestId,
        detail: note.detail ?? {},
      });
      onAudit();
    },
  };
}

/** Checks the answer against the declared response schema: the document never lies about it. */
function respond(ctx: AppContext, spec: EndpointSpec<Access, RequestSchemas>, result: EndpointResult): void {
  const declared = spec.responses[result.status];
  if (!declared)
    throw new Error(`${spec.method.toUpperCase()} ${spec.path} answered an undeclared status ${result.status}`);
  let body = result.body;
  if (declared.schema) {
    const parsed = declared.schema.safeParse(body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      throw new Error(`${spec.method.toUpperCase()} ${spec.path} answered a body that breaks its schema at ${fields}`);
    }
    body = parsed.data;
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) ctx.set(name, value);
  ctx.status = result.status;
  if (body !== undefined) ctx.body = body;
}
