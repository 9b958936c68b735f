// The sandbox's reply agent, shared by its Anthropic and OpenAI stand-ins: deterministic rules in
// place of a model's judgement. The first step calls the one tool the customer's words point at
// (a slot, an invoice, their bookings); once a tool has answered, the reply quotes that answer
// and nothing else, so tests can tell the draft is grounded in the tool's data.
export const SANDBOX_AGENT_TOOLS = ['find_free_slots', 'list_upcoming_bookings', 'list_open_invoices'];

export type AgentAnswer =
  { kind: 'tool'; name: string; input: Record<string, unknown> } | { kind: 'text'; text: string };

export function agentAnswer(input: {
  system: string;
  /** The user turns' text, oldest first. */
  userText: string;
  tools: readonly string[];
  results: readonly { name: string; output: string }[];
  final: boolean;
}): AgentAnswer {
  const lower = lastMessage(input.userText).toLowerCase();
  if (input.results.length === 0 && !input.final) {
    const wanted =
      /\b(slot|availability|available|appointment|book|free)\b/.test(lower) &&
      !/\bmy (next )?(appointment|booking)s?\b/.test(lower)
        ? 'find_free_slots'
        : /\b(invoice|bill|pay|payment|owe)\b/.test(lower)
          ? 'list_open_invoices'
          : /\bmy (next )?(appointment|booking)s?\b/.test(lower)
            ? 'list_upcoming_bookings'
            : null;
    if (wanted && input.tools.includes(wanted))
      return { kind: 'tool', name: wanted, input: wanted === 'find_free_slots' ? { days: 7 } : {} };
  }
  return { kind: 'text', text: replyText(input.system, input.userText, input.results) };
}

function lastMessage(userText: string): string {
  const marker = userText.lastIndexOf('--- message to answer ---');
  return marker === -1 ? userText : userText.slice(marker);
}

function replyText(system: string, userText: string, results: readonly { name: string; output: string }[]): string {
  const customer = /Customer: ([^\n]+)/.exec(userText)?.[1]?.trim();
  const greeting = customer && customer !== 'unknown' ? `Hi ${customer.split(/\s+/)[0]},` : 'Hello,';
  const signature =
    /Signature: ([^\n]+)/.exec(system)?.[1]?.trim() ?? /Business: ([^\n.]+)/.exec(system)?.[1]?.trim() ?? 'The team';
  const lines: string[] = [];
  for (const r of results) {
    const items = parseItems(r.output);
    if (r.name === 'find_free_slots') {
      const first = items[0] as { startAt?: string; service?: string } | undefined;
      lines.push(
        first?.startAt
          ? `Our next free time is ${first.startAt}${first.service ? ` for ${first.service}` : ''}. Reply to this email and we'll hold it for you.`
          : "We don't have a free time in the next week, but we'll let you know as soon as one opens.",
      );
    } else if (r.name === 'list_open_invoices') {
      if (items.length === 0) lines.push('You have no open invoice with us.');
      for (const it of items as { description?: string; amount?: string; paymentUrl?: string | null }[]) {
        lines.push(
          `Your invoice for ${it.description ?? 'our services'} (${it.amount ?? ''}) is open.${it.paymentUrl ? ` You can pay it here: ${it.paymentUrl}` : ''}`,
        );
      }
    } else if (r.name === 'list_upcoming_bookings') {
      const first = items[0] as { startAt?: string } | undefined;
      lines.push(
        first?.startAt
          ? `Your next appointment is on ${first.startAt}.`
          : "You don't have an upcoming appointment with us.",
      );
    }
  }
  if (lines.length === 0)
    lines.push(
      "Thanks for getting in touch. We've received your message and a member of our team will help with it shortly.",
    );
  return `${greeting}\n\n${lines.join('\n')}\n\nKind regards,\n${signature}`;
}

function parseItems(output: string): unknown[] {
  try {
    const parsed = JSON.parse(output) as { items?: unknown };
    return Array.isArray(parsed.items) ? parsed.items : [];
  } catch {
    return [];
  }
}
