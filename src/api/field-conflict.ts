import { ConflictError, type FieldProblem } from '../errors';

/** A 409 that names the field at fault, e.g. an email that is already registered. */
export class FieldConflictError extends ConflictError {
  readonly errors: readonly FieldProblem[];
  constructor(path: string, message: string) {
    super(`${path} ${message}`);
    this.errors = [{ path, message }];
  }
}
