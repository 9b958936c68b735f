// The pieces of classification that do not need a server: Retry-After parsing and telling a
// refused connection (nothing sent) from a timeout or reset (maybe sent).
import { networkFailure, retryAfterMs } from '../../src/providers/errors/network';

describe('retryAfterMs', () => {
  it('reads seconds, an HTTP date, and retry-after-ms, from Headers or a plain record', () => {
    expect(retryAfterMs(new Headers({ 'Retry-After': '30' }))).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': '1.5' })).toBe(1500);
    expect(retryAfterMs({ 'Retry-After-Ms': '250', 'retry-after': '9' })).toBe(250);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const parsed = retryAfterMs({ 'retry-after': inTenSeconds })!;
    expect(parsed).toBeGreaterThan(8_000);
    expect(parsed).toBeLessThanOrEqual(10_000);
    expect(retryAfterMs({ 'retry-after': new Date(Date.now() - 60_000).toUTCString() })).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers())).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
  });
});

describe('networkFailure', () => {
  const withCode = (code: string) => Object.assign(new Error('fetch failed'), { code });
  it('tells refused from timeout from reset, looking through cause and Stripe detail', () => {
    expect(networkFailure(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe(
      'connection_refused',
    );
    expect(networkFailure(withCode('ENOTFOUND'))).toBe('connection_refused');
    expect(networkFailure(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(
      'timeout',
    );
    expect(networkFailure(Object.assign(new Error('Request aborted'), { detail: withCode('ETIMEDOUT') }))).toBe(
      'timeout',
    );
    expect(networkFailure(new Error('socket hang up'))).toBe('connection_reset');
    expect(networkFailure(withCode('ECONNRESET'))).toBe('connection_reset');
  });

  it('is null for anything that is not a transport failure', () => {
    expect(networkFailure(new Error('Invalid currency'))).toBeNull();
    expect(networkFailure('boom')).toBeNull();
    expect(networkFailure(null)).toBeNull();
  });
});
