// What the OpenAPI document says about each route. defineEndpoint() records it against the
// router layer it creates, so the document is built from the routers the app really mounts.
import type { ZodType } from 'zod';
import type { Access } from '../endpoint-types';

/** Error statuses a route may name beyond those the document adds for every route of its kind. */
export type RouteErrorStatus = 400 | 401 | 403 | 404 | 409 | 415 | 422 | 502 | 503;

/**
 * How a caller proves who it is. `bearer`: an access token (every signed-in route); `codec`: an
 * access token or the codec session cookie; `metrics`: the METRICS_TOKEN bearer token; `none`:
 * nothing (public routes, webhooks, which prove themselves by a signature instead).
 */
export type RouteSecurity = 'bearer' | 'codec' | 'metrics' | 'none';

export interface RouteDoc {
  /** Stable and unique, verbNoun (createClient): generated clients name their methods after it. */
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  security?: RouteSecurity;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** The body may be left out (the codec: no body is an empty list). */
  bodyOptional?: boolean;
  /** A webhook's body, which it reads (and verifies) itself rather than through a schema. */
  rawBody?: { contentType: string; description: string; example: Record<string, unknown> };
  responses: Record<number, { description: string; schema?: ZodType; contentType?: string }>;
  /** The route's own error statuses, with what each means here. */
  errors?: Partial<Record<RouteErrorStatus, string>>;
  /** Answers without Postgres or Temporal (so never a 503 for their outage). */
  standalone?: boolean;
  idempotent: boolean;
  /** Kept out of the OpenAPI document (the docs page's own assets). */
  hidden?: boolean;
}

const docs = new WeakMap<object, RouteDoc>();

export function documentLayer(layer: object, doc: RouteDoc): void {
  docs.set(layer, doc);
}

export function docOfLayer(layer: object): RouteDoc | undefined {
  return docs.get(layer);
}
