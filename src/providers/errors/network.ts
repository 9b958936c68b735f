// Failures where no HTTP answer came back. Whether the request may have taken effect decides
// whether a create can be blindly retried: a refused connection never reached the provider, a
// timeout or a reset mid-request may have.
export type NetworkFailure = 'connection_refused' | 'timeout' | 'connection_reset';

const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT = new Set([
  'TimeoutError',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** Walks an error and the errors it wraps (cause, Stripe's detail) for a transport failure. */
export function networkFailure(err: unknown): NetworkFailure | null {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      detail?: unknown;
      type?: unknown;
    };
    const code = typeof e.code === 'string' ? e.code : '';
    const name = typeof e.name === 'string' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message.toLowerCase() : '';
    if (REFUSED.has(code)) return 'connection_refused';
    if (
      TIMEOUT.has(code) ||
      name === 'TimeoutError' ||
      name === 'APIConnectionTimeoutError' ||
      /timed? ?out|timeout/.test(message)
    ) {
      return 'timeout';
    }
    if (RESET.has(code) || /socket hang up|other side closed|premature close|connection reset/.test(message)) {
      return 'connection_reset';
    }
    current = e.cause ?? (typeof e.detail === 'object' ? e.detail : undefined);
  }
  return null;
}

/** Retry-After as seconds or an HTTP date (RFC 9110), or Anthropic's retry-after-ms; in ms. */
export function retryAfterMs(
  header: { get(name: string): string | null | undefined } | Record<string, unknown> | undefined | null,
): number | undefined {
  if (!header) return undefined;
  const read = (name: string): string | undefined => {
    if (typeof (header as { get?: unknown }).get === 'function') {
      const v = (header as { get(name: string): string | null | undefined }).get(name);
      return v ?? undefined;
    }
    const record = header as Record<string, unknown>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    const v = key === undefined ? undefined : record[key];
    return Array.isArray(v) ? String(v[0]) : v === undefined || v === null ? undefined : String(v);
  };
  const ms = read('retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Math.round(Number(ms)));
  const value = read('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
