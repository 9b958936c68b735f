// IANA time zone names ("Europe/London", "America/New_York"), checked against the zone database
// the runtime ships (Intl). Offsets like "+01:00" and abbreviations like "EST" are refused: a
// reminder at 09:00 must follow the zone's daylight-saving rules.
const IANA_SHAPE = /^(?:UTC|[A-Za-z]+(?:[_-][A-Za-z]+)*(?:\/[A-Za-z0-9]+(?:[_+-][A-Za-z0-9]+)*){1,2})$/;

export function isIanaTimeZone(name: string): boolean {
  if (!IANA_SHAPE.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
