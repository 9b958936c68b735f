// Cursors that carry another system's page token (Temporal visibility's nextPageToken), which
// the API cannot check by parsing: signed with an HMAC over the token and its scope (the tenant
// and the list's filters), so a made-up, altered or other tenant's cursor is a 422 at once
// instead of a call Temporal spends seconds retrying.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors';

const MAC_BYTES = 16;

function macOf(secret: string, scope: string, token: Uint8Array): Buffer {
  return createHmac('sha256', secret)
    .update(`frontdesk-cursor\0${scope}\0`)
    .update(token)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function signCursor(secret: string, scope: string, token: Uint8Array): string {
  return `${Buffer.from(token).toString('base64url')}.${macOf(secret, scope, token).toString('base64url')}`;
}

/** The token a cursor of this scope carries, or a 422 naming `cursor`. */
export function openCursor(secret: string, scope: string, cursor: string): Uint8Array {
  const [tokenPart, macPart, extra] = cursor.split('.');
  if (tokenPart && macPart && extra === undefined) {
    const token = Buffer.from(tokenPart, 'base64url');
    const mac = Buffer.from(macPart, 'base64url');
    if (token.length > 0 && mac.length === MAC_BYTES && timingSafeEqual(mac, macOf(secret, scope, token))) return token;
  }
  throw new ValidationError([{ path: 'cursor', message: 'is not a cursor this list produced' }]);
}
