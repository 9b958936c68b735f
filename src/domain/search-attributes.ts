// Custom search attributes, so ops can filter workflows by tenant, invoice, client, email,
// mailbox or booking in the Temporal UI, and the API can scope listings to the caller's tenant.
// Values are ids, never addresses: search attributes are indexed in clear, unlike encrypted payloads.
// Registered on the dev server by the stack script (--search-attribute) and, in production, once
// per namespace (docs/deploy.md); the worker refuses to start where one is missing
// (temporal/search-attribute-check.ts).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TenantIdKey = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const InvoiceIdKey = defineSearchAttributeKey('InvoiceId', SearchAttributeType.KEYWORD);
export const ClientIdKey = defineSearchAttributeKey('ClientId', SearchAttributeType.KEYWORD);
export const EmailIdKey = defineSearchAttributeKey('EmailId', SearchAttributeType.KEYWORD);
export const MailboxIdKey = defineSearchAttributeKey('MailboxId', SearchAttributeType.KEYWORD);
export const BookingIdKey = defineSearchAttributeKey('BookingId', SearchAttributeType.KEYWORD);

/** Every custom attribute, with the type name the CLI's --search-attribute flag takes. */
export const CUSTOM_SEARCH_ATTRIBUTES = [
  { key: TenantIdKey, cliType: 'Keyword' },
  { key: InvoiceIdKey, cliType: 'Keyword' },
  { key: ClientIdKey, cliType: 'Keyword' },
  { key: EmailIdKey, cliType: 'Keyword' },
  { key: MailboxIdKey, cliType: 'Keyword' },
  { key: BookingIdKey, cliType: 'Keyword' },
] as const;
