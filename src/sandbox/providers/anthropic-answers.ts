// Deterministic stand-ins for Claude's judgement: keyword rules that put a threatening, harassing
// or phishing message in its category, and a polite template reply for everything else. Good
// enough to drive every branch of the app without a model; never shipped as the real thing.
export type Category = 'threat' | 'harassment' | 'self-harm' | 'fraud' | 'phishing' | 'legal' | 'abuse';

// Checked in order: self-harm before threat, since "kill myself" also contains "kill".
const RULES: { category: Category; severity: 'low' | 'medium' | 'high'; patterns: RegExp[] }[] = [
  {
    category: 'self-harm',
    severity: 'high',
    patterns: [/\bkill(ing)? myself\b/, /\bend (it all|my life)\b/, /\bsuicid/, /\bhurt(ing)? myself\b/],
  },
  {
    category: 'threat',
    severity: 'high',
    patterns: [
      /\bkill (you|u)\b/,
      /\bhurt you\b/,
      /\bburn (down )?your\b/,
      /\bshoot\b/,
      /\bi know where you live\b/,
      /\byou('ll| will) regret\b/,
      /\bwatch your back\b/,
      /\bcoming for you\b/,
    ],
  },
  {
    category: 'phishing',
    severity: 'medium',
    patterns: [
      /\bverify your (account|identity|password)\b/,
      /\baccount (has been |will be )?suspended\b/,
      /\bconfirm your (password|login|credentials)\b/,
      /\bclick (this|the) link\b.*\b(login|log in|sign in|verify)\b/,
      /\bre-?enter your (password|card)\b/,
    ],
  },
  {
    category: 'fraud',
    severity: 'medium',
    patterns: [
      /\bgift cards?\b/,
      /\bwire (the )?(money|transfer|funds)\b/,
      /\bnew bank (details|account)\b/,
      /\bchange(d)? (our|my) bank\b/,
      /\bcrypto(currency)? (payment|wallet)\b/,
      /\boverpa(id|yment)\b.*\brefund\b/,
    ],
  },
  {
    category: 'harassment',
    severity: 'medium',
    patterns: [
      /\b(you('re| are)|you) (an? )?(idiot|stupid|worthless|pathetic|moron|useless)\b/,
      /\bshut up\b/,
      /\bnobody likes you\b/,
      /\bugly\b/,
    ],
  },
  {
    category: 'legal',
    severity: 'low',
    patterns: [/\blawyers?\b/, /\battorneys?\b/, /\bsue\b/, /\blawsuit\b/, /\blegal action\b/, /\bsmall claims\b/],
  },
  { category: 'abuse', severity: 'medium', patterns: [/\bf+u+c+k+/, /\bsh[i1]t\b/, /\bbitch\b/, /\bbastard\b/] },
];

export interface ClassificationAnswer {
  safe: boolean;
  category: Category | null;
  severity: 'none' | 'low' | 'medium' | 'high';
  reason: string;
}

export function classifyText(text: string): ClassificationAnswer {
  const lower = text.toLowerCase();
  for (const rule of RULES) {
    for (const pattern of rule.patterns) {
      const match = pattern.exec(lower);
      if (match) {
        return {
          safe: false,
          category: rule.category,
          severity: rule.severity,
          reason: `The message contains "${match[0]}", which reads as ${rule.category}.`,
        };
      }
    }
  }
  return {
    safe: true,
    category: null,
    severity: 'none',
    reason: 'An ordinary customer message with nothing threatening, abusive, fraudulent or legal in it.',
  };
}

/** A short reply that thanks, answers in general terms, and signs with the business name. */
export function draftText(input: { conversation: string; system: string }): string {
  const business = /Business: ([^.\n]+)/.exec(input.system)?.[1]?.trim() ?? 'the team';
  const customer = /Customer: ([^\n]+)/.exec(input.conversation)?.[1]?.trim();
  const greeting = customer && customer !== 'unknown' ? `Hi ${customer.split(/\s+/)[0]},` : 'Hello,';
  const lower = input.conversation.toLowerCase();
  const topic = /\b(book|booking|appointment|slot|availability|available|reschedule)\b/.test(lower)
    ? "We'd be glad to find a time that suits you. Let us know which days work best and we'll confirm a slot."
    : /\b(price|cost|how much|fee|invoice|pay)\b/.test(lower)
      ? "Happy to help with that. We'll confirm the exact amount for you shortly."
      : "Thanks for getting in touch. We've received your message and will help with it right away.";
  return `${greeting}\n\nThank you for your message. ${topic}\n\nIf there's anything else we can do, just reply to this email.\n\nKind regards,\n${business}`;
}
