// Whether an error means Temporal could not be reached in time (gRPC UNAVAILABLE or
// DEADLINE_EXCEEDED, however deep the SDK wrapped it): the API answers 503 then, not 500.
const UNREACHABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

export function isTemporalUnreachable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    const grpcLike = 'metadata' in e || (e as { name?: string }).name === 'ServiceError';
    if (typeof code === 'number' && UNREACHABLE_CODES.has(code) && grpcLike) return true;
  }
  return false;
}
