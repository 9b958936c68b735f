// The words of the owner's alert about an unsafe thread: what kind, how serious, why, and what to
// do next. The message itself is not quoted: the owner opens the thread to read it.
import type { UnsafeCategory, UnsafeSeverity } from './guardian';

const LABELS: Record<UnsafeCategory, string> = {
  threat: 'a threat',
  harassment: 'harassment',
  'self-harm': 'talk of self-harm',
  fraud: 'a possible fraud',
  phishing: 'a phishing attempt',
  legal: 'a legal matter',
  abuse: 'abusive language',
};

export interface UnsafeThreadFacts {
  businessName: string;
  category: UnsafeCategory;
  severity: UnsafeSeverity;
  reason: string;
  subject: string;
  from: string | null;
  threadId: string;
  unsafeThreadId: string;
  publicBaseUrl: string;
}

export function unsafeThreadAlertMessage(f: UnsafeThreadFacts): { subject: string; text: string; sms: string } {
  const label = LABELS[f.category];
  const subject = `Guardian: ${label} in "${f.subject || '(no subject)'}"`;
  const text = [
    `The guardian of ${f.businessName} found ${label} (${f.severity} severity) in an email${f.from ? ` from ${f.from}` : ''}.`,
    '',
    `Why: ${f.reason}`,
    '',
    'Automatic replies on this conversation are paused until you resolve it.',
    `Thread: ${f.publicBaseUrl}/api/threads/${f.threadId}`,
    `Resolve: POST ${f.publicBaseUrl}/api/unsafe-threads/${f.unsafeThreadId}/resolve with {"resolution": "safe" | "handled" | "blocked"}`,
  ].join('\n');
  const sms = `${f.businessName} guardian: ${label} (${f.severity}) in an email${f.from ? ` from ${f.from}` : ''}. Auto-replies paused. Check your email.`;
  return { subject, text, sms: sms.slice(0, 320) };
}
