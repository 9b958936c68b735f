// Whether an error means Postgres is out of reach (down, restarting, shutting down, crashed, or it
// dropped the connection mid-request) rather than refusing the query itself: the API answers 503
// then, not 500, and the caller may try again.
import { BackendTerminatedError, BackendTerminatedUnexpectedlyError, ConnectionError } from 'slonik';

/** SQLSTATE class 08 (connection exception); 57P01-57P03: shut down by an admin, crashed, starting up or shutting down. */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123])$/;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (
      e instanceof ConnectionError ||
      e instanceof BackendTerminatedError ||
      e instanceof BackendTerminatedUnexpectedlyError
    )
      return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code)) return true;
  }
  return false;
}
