// When the guardian calls a workflow stuck, and the line its report gives the owner.
import {
  stuckOf,
  workflowsCheck,
  STUCK_ACTIVITY_ATTEMPTS,
  STUCK_WORKFLOW_TASK_ATTEMPTS,
} from '../../src/domain/stuck-workflows';

const healthy = {
  workflowId: 'invoice:t:1',
  workflowType: 'paymentReminder',
  workflowTaskAttempt: 1,
  activities: [{ activityType: 'sendReminderSms', attempt: 2, lastFailure: 'Twilio 503' }],
};

it('a blip is not stuck: one failed workflow task, a few activity retries', () => {
  expect(stuckOf(healthy)).toEqual([]);
  expect(stuckOf({ ...healthy, workflowTaskAttempt: STUCK_WORKFLOW_TASK_ATTEMPTS - 1 })).toEqual([]);
  expect(workflowsCheck(1, [])).toEqual({ name: 'workflows', status: 'ok', detail: '1 running workflow, none stuck' });
  expect(workflowsCheck(3, []).detail).toBe('3 running workflows, none stuck');
});

it('a workflow task failing again and again fails the check; an activity retried past the bar warns', () => {
  const wedged = stuckOf({ ...healthy, workflowTaskAttempt: STUCK_WORKFLOW_TASK_ATTEMPTS });
  expect(wedged).toEqual([
    {
      workflowId: 'invoice:t:1',
      workflowType: 'paymentReminder',
      kind: 'workflow_task',
      attempt: STUCK_WORKFLOW_TASK_ATTEMPTS,
    },
  ]);
  expect(workflowsCheck(5, wedged)).toEqual({
    name: 'workflows',
    status: 'fail',
    detail: `1 workflow stuck: invoice:t:1 (paymentReminder): its code fails on every step, attempt ${STUCK_WORKFLOW_TASK_ATTEMPTS}`,
  });

  const retrying = stuckOf({
    ...healthy,
    activities: [{ activityType: 'sendReminderSms', attempt: STUCK_ACTIVITY_ATTEMPTS, lastFailure: 'Twilio 503' }],
  });
  expect(workflowsCheck(5, retrying)).toEqual({
    name: 'workflows',
    status: 'warn',
    detail: `1 workflow stuck: invoice:t:1 (paymentReminder): sendReminderSms retried ${STUCK_ACTIVITY_ATTEMPTS} times: Twilio 503`,
  });
  expect(workflowsCheck(5, [...wedged, ...retrying])).toMatchObject({
    status: 'fail',
    detail: expect.stringMatching(/^1 workflow stuck: /),
  });
});
