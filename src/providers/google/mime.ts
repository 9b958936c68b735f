// RFC 5322 messages for Gmail's `raw` field, built by nodemailer's composer (header encoding,
// line folding, multipart/alternative) rather than by hand.
import MailComposer from 'nodemailer/lib/mail-composer';

export interface OutgoingEmail {
  from: string;
  to: string | string[];
  cc?: string[];
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /**
   * The RFC Message-ID, chosen by the caller (e.g. `<email-id@frontdesk>`) so a resend after an
   * ambiguous failure can first ask Gmail whether it went (`findByMessageId`).
   */
  messageId: string;
  /** Gmail thread to add the message to; Gmail also needs In-Reply-To/References and a matching subject. */
  threadId?: string;
  inReplyTo?: string;
  references?: string[];
}

export async function composeMime(email: OutgoingEmail): Promise<Buffer> {
  const references = email.references ?? (email.inReplyTo ? [email.inReplyTo] : undefined);
  return new MailComposer({
    from: email.from,
    to: email.to,
    ...(email.cc?.length ? { cc: email.cc } : {}),
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    subject: email.subject,
    text: email.text,
    ...(email.html ? { html: email.html } : {}),
    messageId: email.messageId,
    ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
    ...(references?.length ? { references } : {}),
  })
    .compile()
    .build();
}
