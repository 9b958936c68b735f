// Builds the RFC 5322 message Gmail is given as `raw`. Replies carry In-Reply-To and References
// and keep the subject, which is what Gmail needs (with threadId) to thread them.
import MailComposer from 'nodemailer/lib/mail-composer';

export interface MimeInput {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  messageId: string;
  inReplyTo?: string | null;
  references?: string | null;
}

export async function buildMime(input: MimeInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    text: input.text,
    ...(input.html ? { html: input.html } : {}),
    messageId: input.messageId,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    // References is the thread's chain; with only a parent known, the parent alone is correct.
    ...(input.references || input.inReplyTo ? { references: input.references ?? input.inReplyTo ?? undefined } : {}),
  });
  return composer.compile().build();
}
