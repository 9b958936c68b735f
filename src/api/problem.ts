// application/problem+json (RFC 9457) bodies, the one error format of the API.
import type { FieldProblem } from '../errors';
import type { AppContext } from './context';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId: string;
  errors?: readonly FieldProblem[];
}

export function sendProblem(ctx: AppContext, problem: Omit<Problem, 'requestId' | 'type'> & { type: string }): void {
  ctx.status = problem.status;
  ctx.type = 'application/problem+json';
  ctx.body = {
    type: `urn:frontdesk:problem:${problem.type}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    requestId: ctx.state.requestId,
    ...(problem.errors ? { errors: problem.errors } : {}),
  } satisfies Problem;
}
