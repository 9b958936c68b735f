// The client's self-service link to a booking: an HS256 JWT under JWT_SECRET_KEY with an audience
// of its own (an access token is never a link, a link never an access token), carrying the tenant,
// the booking, a jti and an expiry, and no issue time: the same link row always signs to the same
// token, so a text resent after a lost answer carries the very same link (and is recognised as
// sent). The jti's row in booking_links is what makes a link revocable.
import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

const ALGORITHM = 'HS256';
const ISSUER = 'frontdesk';
const AUDIENCE = 'frontdesk-booking-link';

export interface BookingLinkClaims {
  tenantId: string;
  bookingId: string;
  jti: string;
  expiresAt: Date;
}

const claims = z.object({ tid: z.guid(), bid: z.guid(), jti: z.guid(), exp: z.number().int() });

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signBookingLink(secret: string, link: BookingLinkClaims): Promise<string> {
  return new SignJWT({ tid: link.tenantId, bid: link.bookingId })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(link.jti)
    .setExpirationTime(Math.floor(link.expiresAt.getTime() / 1000))
    .sign(keyOf(secret));
}

/** The link's claims, or null for anything forged, altered, expired or not a link. */
export async function openBookingLink(secret: string, token: string): Promise<BookingLinkClaims | null> {
  if (token.length > 2048) return null;
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'jti'],
    });
    const parsed = claims.safeParse(payload);
    if (!parsed.success) return null;
    return {
      tenantId: parsed.data.tid,
      bookingId: parsed.data.bid,
      jti: parsed.data.jti,
      expiresAt: new Date(parsed.data.exp * 1000),
    };
  } catch {
    return null;
  }
}

/** The path of a link in messages: `<PUBLIC_BASE_URL>/api/public/bookings/<token>`. */
export function bookingLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/api/public/bookings/${token}`;
}
