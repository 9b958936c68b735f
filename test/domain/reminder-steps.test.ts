// The payment reminder's choice of its next step.
import { nextStep, pendingSteps } from '../../src/domain/reminder-steps';
import type { PlannedReminder } from '../../src/domain/reminder-schedule';

const at = (day: number) => new Date(Date.UTC(2027, 0, day, 9)).toISOString();
const plan: PlannedReminder[] = [
  { step: 7, at: at(17), status: 'scheduled' },
  { step: -3, at: at(7), status: 'scheduled' },
  { step: 0, at: at(10), status: 'scheduled' },
  { step: 3, at: at(13), status: 'scheduled' },
];

it('lists the steps not handled yet, earliest first', () => {
  expect(pendingSteps(plan, new Set([0])).map((p) => p.step)).toEqual([-3, 3, 7]);
});

it('with nothing due, waits for the earliest pending step', () => {
  expect(nextStep(plan, new Set(), Date.parse(at(1)))).toEqual({ step: plan[1], skipped: [] });
});

it('after a pause or an outage, sends only the latest step due and skips the earlier ones', () => {
  expect(nextStep(plan, new Set(), Date.parse(at(14)))).toEqual({ step: plan[3], skipped: [-3, 0] });
  expect(nextStep(plan, new Set([-3]), Date.parse(at(10)))).toEqual({ step: plan[2], skipped: [] });
});

it('has nothing left once every step is handled', () => {
  expect(nextStep(plan, new Set([-3, 0, 3, 7]), Date.parse(at(30)))).toEqual({ step: undefined, skipped: [] });
});
