// The housekeeping pass's contract: no input, and what the pass purged. Started by the Temporal
// Schedule `housekeeping` (workflow-starters/housekeeping.ts), once per interval.
export type { HousekeepingPass } from './housekeeping.contract';
