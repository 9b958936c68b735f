// Checks params, query and body against the route's zod schemas before the route runs, and
// answers 422 listing every field at fault in all three at once.
import type { Next } from 'koa';
import type { z, ZodType } from 'zod';
import { ValidationError, type FieldProblem } from '../../errors';
import type { AppContext } from '../context';
import '../../zod-messages';
import { unstorableText } from '../unstorable-text';

export interface RequestSchemas {
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
}

/** Unknown keys are reported one by one, under their own names, rather than as one issue. */
function problemsOf(
  issues: readonly z.core.$ZodIssue[],
  part: 'params' | 'query' | 'body',
  raw: unknown,
): FieldProblem[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'is not a known field' }));
    }
    if (part === 'body' && base.length === 0) {
      return [{ path: '(body)', message: raw === undefined ? 'A JSON body is required' : issue.message }];
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}

/**
 * `storable: false` for a route whose input never reaches Postgres (the Temporal codec's opaque
 * payloads): text Postgres could not store is no reason to refuse it there.
 */
/** The 422 problems of path parameters that break their schema (for noRoute). */
export function paramProblems(schema: ZodType, params: unknown): FieldProblem[] {
  const result = schema.safeParse(params);
  return result.success ? [] : problemsOf(result.error.issues, 'params', params);
}

export function validate(schemas: RequestSchemas, { storable = true }: { storable?: boolean } = {}) {
  return async function validateMiddleware(ctx: AppContext, next: Next): Promise<void> {
    const problems: FieldProblem[] = [];
    const parse = (part: 'params' | 'query' | 'body', raw: unknown): unknown => {
      const schema = schemas[part];
      if (!schema) return undefined;
      const unstorable = storable ? unstorableText(raw) : [];
      if (unstorable.length > 0) {
        problems.push(...unstorable);
        return undefined;
      }
      const result = schema.safeParse(raw);
      if (result.success) return result.data;
      problems.push(...problemsOf(result.error.issues, part, raw));
      return undefined;
    };
    const input = {
      params: parse('params', (ctx as AppContext & { params?: Record<string, string> }).params ?? {}),
      query: parse('query', ctx.query),
      body: parse('body', ctx.request.body),
    };
    if (problems.length > 0) throw new ValidationError(problems);
    ctx.state.input = input;
    return next();
  };
}
