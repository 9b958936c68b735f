// Delivers a provider event to the API over HTTP, the way the provider would, and reports the
// API's status. Nothing is retried: a caller (script or test) sees exactly what the API answered.
import type { DeliveryRecord, Records } from './records';

export async function deliver(
  records: Records,
  kind: DeliveryRecord['kind'],
  url: string,
  request: { headers: Record<string, string>; body: string },
): Promise<{ status: number; body: string; error?: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(15_000),
      redirect: 'manual',
    });
    const body = await res.text();
    records.delivery({ kind, url, status: res.status });
    return { status: res.status, body };
  } catch (err) {
    const error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    records.delivery({ kind, url, status: 0, error });
    return { status: 0, body: '', error };
  }
}
