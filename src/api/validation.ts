import type { z } from 'zod';
import '../zod-messages';
import type { FieldProblem } from '../errors';

/** Zod issues as the contract's `errors: [{ path, message }]`, path in dotted form. */
export function zodIssuesToProblems(issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
