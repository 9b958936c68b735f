// The unsafe thread flagged as it is for real: a guardian pass screens the new mail with Claude
// (the sandbox's stand-in classifies the threat unsafe) and opens an unsafe-thread finding. The
// seed asks for the pass with run-now rather than waiting for the schedule (every 5 minutes).
import type { Owner } from './account';
import { type HttpClient, SeedError, waitUntil } from './http-client';
import type { SeededThread } from './mailbox';

interface GuardianView {
  lastReport: { pass: number; checks: { name: string; status: string; detail: string }[] } | null;
}

export interface SeededFinding {
  id: string;
  threadId: string;
  category: string;
  severity: string;
}

const PASSES_TRIED = 3;

export async function flagUnsafeThread(api: HttpClient, owner: Owner, thread: SeededThread): Promise<SeededFinding> {
  const token = owner.accessToken;
  // Any finding counts, resolved ones too: the owner may have dealt with it since an earlier run.
  const findingOf = async () =>
    (await api.all<SeededFinding>('/api/unsafe-threads', token)).find((f) => f.threadId === thread.id);
  let finding = await findingOf();
  let report: GuardianView['lastReport'] = null;
  // A pass that was already under way when the mail was stored may have read past it; the next one screens it.
  for (let pass = 0; !finding && pass < PASSES_TRIED; pass++) {
    const before = (await api.call<GuardianView>('GET', '/api/guardian', { token })).body.lastReport?.pass ?? 0;
    await api.call('POST', '/api/guardian/run-now', { token, accept: [202] });
    report = await waitUntil('a guardian pass', async () => {
      const view = (await api.call<GuardianView>('GET', '/api/guardian', { token })).body;
      return view.lastReport && view.lastReport.pass > before ? view.lastReport : undefined;
    });
    finding = await findingOf();
  }
  if (!finding) {
    const screening = report?.checks.find((c) => c.name === 'contentSafety');
    throw new SeedError(
      `the guardian did not flag "${thread.subject}" after ${PASSES_TRIED} passes (content safety: ${screening?.detail ?? 'no report'})`,
    );
  }
  return finding;
}
