// MIME for the sandbox mailbox: parsing what the SDK sent (postal-mime) and composing the mail
// dropped into an inbox (nodemailer's composer, like the provider layer).
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import PostalMime from 'postal-mime';

export interface ParsedMail {
  headers: { name: string; value: string }[];
  from: string;
  to: string;
  cc: string;
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  html: string | null;
  date: Date;
}

function addresses(list: PostalMime.Address[] | undefined): string {
  return (list ?? [])
    .flatMap((a) =>
      'address' in a && a.address ? [a.address] : 'group' in a && a.group ? a.group.map((m) => m.address) : [],
    )
    .join(', ');
}

export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const email = await PostalMime.parse(raw);
  return {
    headers: email.headers.map((h) => ({ name: h.originalKey, value: PostalMime.decodeWords(h.value) })),
    from: email.from ? addresses([email.from]) : '',
    to: addresses(email.to),
    cc: addresses(email.cc),
    subject: email.subject ?? '',
    messageId: email.messageId ?? '',
    inReplyTo: email.inReplyTo ?? null,
    references: (email.references ?? '').split(/\s+/).filter(Boolean),
    // The body's final line break belongs to the MIME encoding, not to what the sender wrote.
    text: (email.text ?? '').replace(/\r?\n$/, ''),
    html: email.html ?? null,
    date: email.date && !Number.isNaN(Date.parse(email.date)) ? new Date(email.date) : new Date(),
  };
}

export async function composeInboundMail(input: {
  from: string;
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
}): Promise<Buffer> {
  return new MailComposer({
    from: input.from,
    to: input.to,
    subject: input.subject,
    text: input.text,
    messageId: `<${randomBytes(12).toString('hex')}@mail.sandbox.invalid>`,
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references?.length ? { references: input.references } : {}),
  })
    .compile()
    .build();
}
