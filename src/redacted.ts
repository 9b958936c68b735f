// A secret held in config: code reads it with reveal(); JSON (and so pino), util.inspect and
// string conversion all print `[redacted]`, so a logged or printed config never shows it.
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

export class Redacted<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
