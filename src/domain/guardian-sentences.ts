// The lines a guardian pass writes into its report about mail screening and the Gmail watch, as
// pure functions of what the activities answered: the owner reads them, so their wording and
// plurals are tested here rather than buried in the workflow.
import type { GuardianCheck } from './guardian';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the screening activity answered (ScreeningResult, without its findings). */
export interface ScreeningOutcome {
  screened: number;
  unsafe: number;
  waiting: number;
  claude: { called: boolean; error: string | null; unconfigured: string | null; mode: string };
  /** Whether the pass opened findings or has owners to alert. */
  flagged: boolean;
}

/** The contentSafety check, and the Claude check when screening called Claude (else null: a probe decides). */
export function screeningChecks(r: ScreeningOutcome): { check: GuardianCheck; claude: GuardianCheck | null } {
  const waiting = r.waiting > 0 ? `; ${plural(r.waiting, 'message waits', 'messages wait')} for the next pass` : '';
  const did = `Screened ${plural(r.screened, 'new message', 'new messages')}, ${r.unsafe} unsafe`;
  if (r.claude.unconfigured) {
    return {
      check: {
        name: 'contentSafety',
        status: 'warn',
        detail: `Inbound mail is not screened: Claude is not configured (${r.claude.unconfigured})${waiting}`,
      },
      claude: null,
    };
  }
  if (r.claude.error) {
    return {
      check: { name: 'contentSafety', status: 'fail', detail: `${did}; Claude failed (${r.claude.error})${waiting}` },
      claude: {
        name: 'claude',
        status: 'fail',
        detail: `Claude did not answer in ${r.claude.mode} mode: ${r.claude.error}`,
      },
    };
  }
  return {
    check: { name: 'contentSafety', status: r.flagged ? 'warn' : 'ok', detail: `${did}${waiting}` },
    claude: r.claude.called
      ? { name: 'claude', status: 'ok', detail: `Claude answered in ${r.claude.mode} mode while screening mail` }
      : null,
  };
}

/** The screening activity itself failed: nothing was skipped, the next pass starts from the same place. */
export function screeningFailedCheck(reason: string): GuardianCheck {
  return { name: 'contentSafety', status: 'fail', detail: `Screening could not run: ${reason}; nothing was skipped` };
}

/** The gmail check after the pass renewed a watch that was lapsing (`expiresAt`: the old expiry, null if none). */
export function watchRenewalCheck(
  expiresAt: string | null,
  renewal: { outcome: 'watching' | 'reauth_required' | 'disconnected'; expiresAt: string | null } | { failed: string },
): GuardianCheck {
  const was = expiresAt ? `it was to expire at ${expiresAt}` : 'there was none';
  if ('failed' in renewal)
    return {
      name: 'gmail',
      status: 'fail',
      detail: `The watch could not be renewed (${was}): ${renewal.failed}; the next pass tries again`,
    };
  if (renewal.outcome === 'watching')
    return { name: 'gmail', status: 'ok', detail: `Watch renewed (${was}); it now expires at ${renewal.expiresAt}` };
  if (renewal.outcome === 'reauth_required')
    return {
      name: 'gmail',
      status: 'fail',
      detail: 'Gmail access was revoked while renewing the watch: connect it again',
    };
  return { name: 'gmail', status: 'warn', detail: 'Gmail was disconnected while renewing the watch' };
}
