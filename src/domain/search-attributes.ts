// Custom search attributes, so ops can filter workflows by tenant (and, as later issues add
// them, invoice, client, email, mailbox) in the Temporal UI and the API can scope listings.
// Registered on the dev server by the stack script (--search-attribute) and, in production,
// once per namespace (see README).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TenantIdKey = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);

/** Every custom attribute, with the type name the CLI's --search-attribute flag takes. */
export const CUSTOM_SEARCH_ATTRIBUTES = [{ key: TenantIdKey, cliType: 'Keyword' }] as const;
