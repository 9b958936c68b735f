// The calendar routes wait on a short workflow that makes the Calendar call on a worker (the API
// calls no provider itself). Its failure, or that no worker took it in time, becomes a 503 naming
// the reason.
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { TimeoutFailure } from '@temporalio/common';
import { ServiceUnavailableError } from '../../../errors';

/** Runs `call` (which executes a workflow of at most `timeoutSeconds`) under a deadline that outlasts it. */
export async function viaCalendarWorker<T>(
  temporal: Client,
  what: string,
  timeoutSeconds: number,
  call: () => Promise<T>,
): Promise<T> {
  try {
    // Waits for the worker's answer: longer than the request-wide Temporal deadline.
    return await temporal.connection.withDeadline(Date.now() + (timeoutSeconds + 5) * 1000, call);
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    if (err.cause instanceof TimeoutFailure) {
      throw new ServiceUnavailableError(
        `Google Calendar did not answer: no worker ran the ${what} within ${timeoutSeconds} s`,
      );
    }
    throw new ServiceUnavailableError(`Google Calendar did not answer: ${innermostMessage(err).slice(0, 300)}`);
  }
}

/** The activity's own failure message (e.g. "reauth_required: …"), under Temporal's wrappers. */
function innermostMessage(err: Error): string {
  let current: Error = err;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
