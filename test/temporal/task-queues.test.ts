// Every workflow the worker registers has a kind of task queue (src/temporal/task-queues.ts), so a
// new workflow cannot be started on a queue no one decided; the names follow from one base.
import * as workflows from '../../src/workflows';
import { taskQueueFor, taskQueueNames, WORKFLOW_QUEUE_KIND } from '../../src/temporal/task-queues';
import { testConfig } from '../helpers/config';

it('gives every registered workflow a queue kind, and no kind to a workflow that does not exist', () => {
  expect(Object.keys(WORKFLOW_QUEUE_KIND).sort()).toEqual(Object.keys(workflows).sort());
});

it('keeps reminders and bookings on TEMPORAL_TASK_QUEUE itself and names the others after it', () => {
  expect(taskQueueNames('frontdesk')).toEqual({
    reminders: 'frontdesk',
    delivery: 'frontdesk-delivery',
    agents: 'frontdesk-agents',
  });
  const config = testConfig({ TEMPORAL_TASK_QUEUE: 'acme' });
  expect([
    taskQueueFor(config, 'paymentReminder'),
    taskQueueFor(config, 'booking'),
    taskQueueFor(config, 'housekeepingPass'),
  ]).toEqual(['acme', 'acme', 'acme']);
  expect([taskQueueFor(config, 'emailDelivery'), taskQueueFor(config, 'smsDelivery')]).toEqual([
    'acme-delivery',
    'acme-delivery',
  ]);
  expect([
    taskQueueFor(config, 'guardian'),
    taskQueueFor(config, 'replyAgent'),
    taskQueueFor(config, 'mailboxSync'),
    taskQueueFor(config, 'mailboxWatch'),
  ]).toEqual(['acme-agents', 'acme-agents', 'acme-agents', 'acme-agents']);
});
