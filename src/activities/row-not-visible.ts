// The API starts a workflow inside the transaction that inserts its row, so that a failed start
// rolls the insert back. The first activity can therefore run a moment before that commit is
// visible: a missing row is retried quickly for a few seconds, and only then taken as gone (the
// request that wrote it rolled back).
import { ApplicationFailure, Context } from '@temporalio/activity';

const QUICK_RETRIES = 10;

export function rowNotVisible(what: string): ApplicationFailure {
  const attempt = Context.current().info.attempt;
  if (attempt <= QUICK_RETRIES) {
    return ApplicationFailure.create({
      message: `${what} is not visible yet`,
      type: 'not_visible_yet',
      nonRetryable: false,
      nextRetryDelay: 1_000,
    });
  }
  return ApplicationFailure.create({ message: `${what} does not exist`, type: 'not_found', nonRetryable: true });
}
