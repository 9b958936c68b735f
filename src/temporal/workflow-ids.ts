// Workflow ids are derived from business ids, so a second start for the same thing is refused by
// Temporal instead of running twice.
export const workflowIds = {
  probe: (tenantId: string, probeId: string) => `probe:${tenantId}:${probeId}`,
};
