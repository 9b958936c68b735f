// The reply agent's pure parts: its tools' names and what each may return, which inbound mail it
// answers at all, and when a draft may go out without a person. No I/O: the workflow imports it.

/** Read-only tools: none books, cancels, refunds or sends. Each runs as an activity, bound to the thread's own client. */
export const AGENT_TOOLS = ['find_free_slots', 'list_upcoming_bookings', 'list_open_invoices'] as const;
export type AgentToolName = (typeof AGENT_TOOLS)[number];

export const DRAFT_STATUSES = ['pending', 'sent', 'rejected', 'superseded', 'expired'] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export const LLM_PROVIDERS = ['anthropic', 'openai'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export type AutoSend = 'off' | 'safe_only';
export const DEFAULT_DRAFT_TTL_HOURS = 48;

export interface AgentToolCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface RecordedToolCall {
  name: string;
  input: Record<string, unknown>;
  output: unknown;
}

/** One exchange of the drafting loop, in a shape both providers are mapped to and from. */
export type AgentTurn =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls: AgentToolCall[] }
  | { role: 'tool'; results: { id: string; name: string; output: string }[] };

export interface AgentStep {
  provider: LlmProvider;
  model: string;
  text: string;
  toolCalls: AgentToolCall[];
  inputTokens: number;
  outputTokens: number;
  /** Claude failed transiently and OpenAI answered this call. */
  fallback: boolean;
}

/** The loop ends after this many model calls; the last one is asked for text only. */
export const MAX_AGENT_STEPS = 4;

const AUTOMATED_LOCAL_PART =
  /^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?|notifications?|newsletter|news|marketing|info-noreply)([+.-].*)?$/i;

/**
 * Mail no person wrote to the business: a no-reply or bounce address, a mailing list, a bulk or
 * auto-submitted message (RFC 3834), by its sender and headers (names lower-cased).
 */
export function isAutomatedSender(
  fromEmail: string | null,
  headers: Readonly<Record<string, string | undefined>>,
): boolean {
  if (fromEmail) {
    const local = fromEmail.split('@')[0] ?? '';
    if (AUTOMATED_LOCAL_PART.test(local)) return true;
  }
  if (headers['list-id'] || headers['list-unsubscribe']) return true;
  const precedence = headers['precedence']?.toLowerCase();
  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') return true;
  const autoSubmitted = headers['auto-submitted']?.toLowerCase();
  return autoSubmitted !== undefined && autoSubmitted !== 'no';
}

/** Tools whose non-empty answer commits the business to a time or an amount. */
const COMMITTING_TOOLS = new Set<string>(['find_free_slots', 'list_upcoming_bookings', 'list_open_invoices']);

/**
 * `safe_only`: a draft goes out without a person only when the guardian screened the message as
 * safe and no tool answered with a time or an amount the reply could commit to.
 */
export function mayAutoSend(input: {
  autoSend: AutoSend;
  screenedSafe: boolean | null;
  toolCalls: readonly RecordedToolCall[];
}): boolean {
  if (input.autoSend !== 'safe_only' || input.screenedSafe !== true) return false;
  return input.toolCalls.every((c) => !COMMITTING_TOOLS.has(c.name) || isEmptyAnswer(c.output));
}

function isEmptyAnswer(output: unknown): boolean {
  if (output === null || typeof output !== 'object') return true;
  const items = (output as { items?: unknown }).items;
  return Array.isArray(items) && items.length === 0;
}
