// A client interceptor that counts every workflow start (and signal-with-start) by type and
// outcome into the process's metrics. Installed on the one client each process builds.
import { WorkflowExecutionAlreadyStartedError, type WorkflowClientInterceptor } from '@temporalio/client';
import { metrics } from '../observability/metrics';

function outcomeOf(err: unknown): string {
  return err instanceof WorkflowExecutionAlreadyStartedError ? 'already_started' : 'failed';
}

export function countWorkflowStarts(): WorkflowClientInterceptor {
  const count = async <T>(workflowType: string, run: () => Promise<T>): Promise<T> => {
    try {
      const result = await run();
      metrics().workflowStarts.inc({ workflow_type: workflowType, outcome: 'started' });
      return result;
    } catch (err) {
      metrics().workflowStarts.inc({ workflow_type: workflowType, outcome: outcomeOf(err) });
      throw err;
    }
  };
  return {
    start: (input, next) => count(input.workflowType, () => next(input)),
    signalWithStart: (input, next) => count(input.workflowType, () => next(input)),
  };
}
