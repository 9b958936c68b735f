// Which task queue each kind of workflow runs on: the one place that decides it. Three kinds of
// work, so one can be scaled, tuned or restarted without the others (the original backend's
// payment reminder worker, email retry worker and guardian daemon, in their Temporal form):
//
//   reminders  TEMPORAL_TASK_QUEUE itself ('frontdesk'): payment reminders, Stripe's inboxes and events, the
//              overdue digest, bookings, the calendar workflows, housekeeping and the probe. It keeps the name every earlier deploy used,
//              so the workflows already running on it keep a poller.
//   delivery   <TEMPORAL_TASK_QUEUE>-delivery: emailDelivery and smsDelivery, whoever starts them
//              (the API, or a reminder, booking, guardian or reply agent as its child), so an
//              urgent email is not queued behind a burst of reminders' timers and activities.
//   agents     <TEMPORAL_TASK_QUEUE>-agents: the guardian, the reply agent and the mailbox sync
//              and watch that feed it: long, slow Claude and Gmail calls that must not hold up
//              reminders or sends.
//
// Every worker registers every workflow and activity, so a queue's kind only routes load: a
// workflow that started on the reminders queue before this split (a guardian, an email) runs to
// its end there, continue-as-new included. Workflows cannot read the config: those that start an
// emailDelivery child get the delivery queue's name in their input (`deliveryTaskQueue`).
import type { Config } from '../config';

export const TASK_QUEUE_KINDS = ['reminders', 'delivery', 'agents'] as const;
export type TaskQueueKind = (typeof TASK_QUEUE_KINDS)[number];

/** Every workflow type the worker registers, and the kind of queue it is started on. */
export const WORKFLOW_QUEUE_KIND = {
  paymentReminder: 'reminders',
  booking: 'reminders',
  calendarPing: 'reminders',
  calendarFreeBusy: 'reminders',
  calendarSync: 'reminders',
  housekeeping: 'reminders',
  housekeepingPass: 'reminders',
  probe: 'reminders',
  stripeInbox: 'reminders',
  stripeEvent: 'reminders',
  overdueDigestPass: 'reminders',
  emailDelivery: 'delivery',
  smsDelivery: 'delivery',
  guardian: 'agents',
  replyAgent: 'agents',
  mailboxSync: 'agents',
  mailboxWatch: 'agents',
} as const satisfies Record<string, TaskQueueKind>;

export type QueuedWorkflowType = keyof typeof WORKFLOW_QUEUE_KIND;

/** The queue names for a base name (TEMPORAL_TASK_QUEUE): the base itself, `-delivery`, `-agents`. */
export function taskQueueNames(base: string): Record<TaskQueueKind, string> {
  return { reminders: base, delivery: `${base}-delivery`, agents: `${base}-agents` };
}

export function taskQueueOfKind(config: Pick<Config, 'temporal'>, kind: TaskQueueKind): string {
  return taskQueueNames(config.temporal.taskQueue)[kind];
}

/** The task queue a workflow of this type is started on. */
export function taskQueueFor(config: Pick<Config, 'temporal'>, workflowType: QueuedWorkflowType): string {
  return taskQueueOfKind(config, WORKFLOW_QUEUE_KIND[workflowType]);
}
