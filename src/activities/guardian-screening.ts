// Content safety: inbound messages stored since the guardian's checkpoint are classified by Claude
// (forced tool use with a fixed schema, src/providers/claude.ts). Each verdict is stored as it
// comes; an unsafe one opens (or reopens) the thread's finding and pauses its automatic replies.
// When Claude fails, the pass stops there: the checkpoint only moves past messages that were
// classified, and the rest wait for the next pass. Nothing is skipped.
import { Context } from '@temporalio/activity';
import type { Config } from '../config';
import {
  countUnscreenedMessages,
  listUnscreenedMessages,
  recordScreening,
  type UnscreenedMessage,
} from '../db/guardian-screenings';
import type { RunAsTenant } from '../db/tenant-transaction';
import { flagUnsafeThread, listOpenFindingRefs, listUnalertedFindings, type UnsafeThread } from '../db/unsafe-threads';
import {
  findingKey,
  isOwnOutboxMessage,
  type Finding,
  type MessageCheckpoint,
  type UnsafeCategory,
  type UnsafeSeverity,
} from '../domain/guardian';
import { UpstreamError } from '../errors';
import type { Logger } from '../observability/logger';
import type { Classification, Claude } from '../providers/claude';
import { IntegrationUnconfiguredError, missingVariables } from '../providers/integration';
import { describeFailure } from './guardian-providers';

export interface ScreeningDeps {
  config: Config;
  /** A transaction as the tenant (row-level security), made once for the whole worker. */
  tx: RunAsTenant;
  logger: Logger;
  /** Throws IntegrationUnconfiguredError when Claude is not configured. */
  claude: () => Pick<Claude, 'classify'>;
  /** Messages per pass (GUARDIAN_SCREEN_BATCH); the rest wait for the next one. */
  batchSize: number;
  /** A pass stops starting new classifications after this long, well inside the activity's timeout. */
  timeBudgetMs: number;
}

export interface ScreeningResult {
  screened: number;
  unsafe: number;
  /** Unscreened messages left after this pass (beyond the batch, or after a failure). */
  waiting: number;
  checkpoint: MessageCheckpoint | null;
  /** Whether Claude was called, and how that went: the pass's Claude check when it was. */
  claude: { called: boolean; error: string | null; unconfigured: string | null; mode: string };
  /** Findings this pass opened. */
  opened: Finding[];
  /** Open findings the owner has not been alerted about yet (this pass's, and any left over). */
  toAlert: Finding[];
  /** Of the carried alert keys, the ones whose finding is still open (the rest are dropped). */
  stillOpen: string[];
}

/** Findings alerted per pass at most; more wait for the next pass. */
const ALERTS_PER_PASS = 20;

export function toFinding(row: UnsafeThread): Finding {
  return {
    id: row.id,
    threadId: row.threadId,
    category: row.category,
    severity: row.severity,
    reason: row.reason,
    flaggedAt: row.flaggedAt,
  };
}

/** Claude's verdict in the shape the tables take: an unsafe verdict always has a category and a severity. */
function normalise(c: Classification): {
  safe: boolean;
  category: UnsafeCategory | null;
  severity: 'none' | UnsafeSeverity;
  reason: string;
} {
  if (c.safe) return { safe: true, category: null, severity: 'none', reason: c.reason };
  return {
    safe: false,
    category: c.category ?? 'abuse',
    severity: c.severity === 'none' ? 'low' : c.severity,
    reason: c.reason,
  };
}

function after(a: MessageCheckpoint, b: MessageCheckpoint | null): boolean {
  if (!b) return true;
  return a.storedAt > b.storedAt || (a.storedAt === b.storedAt && a.messageId > b.messageId);
}

export function createGuardianScreeningActivities(deps: ScreeningDeps) {
  const { tx } = deps;

  async function record(tenantId: string, message: UnscreenedMessage, c: Classification): Promise<UnsafeThread | null> {
    const verdict = normalise(c);
    return tx(tenantId, async (db) => {
      const recorded = await recordScreening(db, {
        tenantId,
        messageId: message.id,
        threadId: message.threadId,
        ...verdict,
      });
      if (!recorded || verdict.safe || !verdict.category) return null;
      const flagged = await flagUnsafeThread(db, {
        tenantId,
        threadId: message.threadId,
        messageId: message.id,
        category: verdict.category,
        severity: verdict.severity === 'none' ? 'low' : verdict.severity,
        reason: verdict.reason.slice(0, 500),
      });
      return flagged.opened ? flagged.row : null;
    });
  }

  type Outcome =
    { verdict: Classification; called: boolean } | { unconfigured: string } | { error: string; code: string };

  async function classify(message: UnscreenedMessage): Promise<Outcome> {
    if (isOwnOutboxMessage(message.rfcMessageId)) {
      return {
        verdict: {
          safe: true,
          category: null,
          severity: 'none',
          reason: 'Sent by Frontdesk itself (its own Message-ID); not screened',
        },
        called: false,
      };
    }
    try {
      return {
        verdict: await deps.claude().classify({ from: message.from, subject: message.subject, text: message.text }),
        called: true,
      };
    } catch (err) {
      if (err instanceof IntegrationUnconfiguredError) return { unconfigured: err.message };
      if (err instanceof UpstreamError) return { error: describeFailure(err), code: err.code };
      throw err;
    }
  }

  return {
    async screenInboundMessages(input: {
      tenantId: string;
      checkpoint: MessageCheckpoint | null;
      alerted: string[];
    }): Promise<ScreeningResult> {
      const { tenantId } = input;
      const log = deps.logger.child({ tenantId });
      const mode = deps.config.integrations.anthropic;
      let checkpoint = input.checkpoint;
      let screened = 0;
      let unsafe = 0;
      let called = false;
      let error: string | null = null;
      let unconfigured: string | null = null;
      const opened: Finding[] = [];

      if (mode === 'unconfigured') {
        unconfigured = `set ${missingVariables(deps.config, 'anthropic').join(', ')}`;
      } else {
        const batch = await tx(tenantId, (db) =>
          listUnscreenedMessages(db, { checkpoint, limit: deps.batchSize, maxTextChars: 8_000 }),
        );
        const started = Date.now();
        for (const message of batch) {
          if (Date.now() - started > deps.timeBudgetMs) break;
          Context.current().heartbeat({ screened });
          const outcome = await classify(message);
          if ('unconfigured' in outcome) {
            unconfigured = outcome.unconfigured;
            break;
          }
          if ('error' in outcome) {
            error = outcome.error;
            log.warn({ code: outcome.code }, 'guardian: Claude failed; the remaining messages wait for the next pass');
            break;
          }
          called ||= outcome.called;
          const verdict = outcome.verdict;
          const flagged = await record(tenantId, message, verdict);
          screened += 1;
          if (!verdict.safe) unsafe += 1;
          if (flagged) opened.push(toFinding(flagged));
          const reached = { storedAt: message.storedAt, messageId: message.id };
          // A late-committed message inside the overlap sorts before the checkpoint: never move back.
          if (after(reached, checkpoint)) checkpoint = reached;
        }
      }

      const { waiting, toAlert, stillOpen } = await tx(tenantId, async (db) => {
        const unalerted = await listUnalertedFindings(db, ALERTS_PER_PASS);
        const openKeys = new Set((await listOpenFindingRefs(db)).map(findingKey));
        return {
          waiting: await countUnscreenedMessages(db, checkpoint),
          toAlert: unalerted.map(toFinding),
          stillOpen: input.alerted.filter((key) => openKeys.has(key)),
        };
      });
      if (screened > 0)
        log.info({ screened, unsafe, opened: opened.length, waiting }, 'guardian screened inbound mail');
      return {
        screened,
        unsafe,
        waiting,
        checkpoint,
        claude: { called, error, unconfigured, mode },
        opened,
        toAlert,
        stillOpen,
      };
    },
  };
}
