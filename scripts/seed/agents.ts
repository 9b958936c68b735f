// The reply draft for the demo inbound mail, made as it is for real: the mailbox sync that stored
// the message signalled the thread's replyAgent, which drafted with the sandbox's stand-in for
// Claude. The seed only waits for it, so a person can approve or reject it (http/agents.http).
import type { Owner } from './account';
import { type HttpClient, waitUntil } from './http-client';
import type { SeededThread } from './mailbox';

export interface SeededDraft {
  id: string;
  threadId: string;
  status: string;
  llm: { provider: string; model: string };
}

/** The thread's newest draft (pending, or already decided on by an earlier run's user). */
export async function replyDraftFor(api: HttpClient, owner: Owner, thread: SeededThread): Promise<SeededDraft> {
  return waitUntil(`a reply draft for "${thread.subject}"`, async () => {
    const page = await api.call<{ items: SeededDraft[] }>('GET', `/api/agents/drafts?threadId=${thread.id}&limit=1`, {
      token: owner.accessToken,
    });
    return page.body.items[0];
  });
}
