// What the OpenAPI document says about each route. defineEndpoint() records it against the
// router layer it creates, so the document is built from the routers the app really mounts.
import type { ZodType } from 'zod';
import type { Access } from '../endpoint-types';

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  responses: Record<number, { description: string; schema?: ZodType }>;
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
