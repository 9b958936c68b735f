import type { ZodIssue } from 'zod';
import type { FieldProblem } from '../errors';

/** Zod issues as the contract's `errors: [{ path, message }]`, path in dotted form. */
export function zodIssuesToProblems(issues: readonly ZodIssue[]): FieldProblem[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
