// Starts a booking's workflow (booking:<tenant>:<booking>) once its row is stored, and delivers
// the signals that must reach it even after it ended (the run lasts until the appointment is
// over): a move of a past booking, or a cancel that must still delete its event, starts a new run
// with the signal. Search attributes let ops find it by booking and client.
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { Config } from '../config';
import { BookingIdKey, ClientIdKey, TenantIdKey } from '../domain/search-attributes';
import { bookingWorkflowId } from '../domain/workflow-ids';
import type { booking } from '../workflows/booking';
import { taskQueueFor } from '../temporal/task-queues';

export interface BookingIds {
  tenantId: string;
  bookingId: string;
  clientId: string;
}

function startOptions(config: Config, ids: BookingIds) {
  return {
    workflowId: bookingWorkflowId(ids.tenantId, ids.bookingId),
    taskQueue: taskQueueFor(config, 'booking'),
    args: [
      {
        tenantId: ids.tenantId,
        bookingId: ids.bookingId,
        clientId: ids.clientId,
        emailRetry: config.emailRetry,
        deliveryTaskQueue: taskQueueFor(config, 'emailDelivery'),
      },
    ] as Parameters<typeof booking>,
    typedSearchAttributes: [
      { key: TenantIdKey, value: ids.tenantId },
      { key: BookingIdKey, value: ids.bookingId },
      { key: ClientIdKey, value: ids.clientId },
    ],
  };
}

export async function startBooking(client: Client, config: Config, ids: BookingIds): Promise<string> {
  const options = startOptions(config, ids);
  await client.workflow.start<typeof booking>('booking', {
    ...options,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
  return options.workflowId;
}

/** Signals the running workflow, or starts a new run that begins with the signal. */
export async function signalBooking<A>(
  client: Client,
  config: Config,
  ids: BookingIds,
  signal: SignalDefinition<[A]>,
  arg: A,
): Promise<void> {
  await client.workflow.signalWithStart<typeof booking, [A]>('booking', {
    ...startOptions(config, ids),
    signal,
    signalArgs: [arg],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  });
}
