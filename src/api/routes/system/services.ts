// The optional outside services (NOVA_SERVICE_URL, ELI_SERVICE_URL): nothing depends on them, the
// status only says whether each is configured and whether its health URL (`<url>/health`)
// answered 2xx within 2 seconds.
export type ServiceState = 'unconfigured' | 'reachable' | 'unreachable';

export const SERVICE_HEALTH_TIMEOUT_MS = 2_000;

export function healthUrlOf(baseUrl: string): string {
  return new URL('health', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
}

export async function probeService(baseUrl: string | undefined): Promise<ServiceState> {
  if (!baseUrl) return 'unconfigured';
  try {
    const res = await fetch(healthUrlOf(baseUrl), {
      signal: AbortSignal.timeout(SERVICE_HEALTH_TIMEOUT_MS),
      redirect: 'manual',
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300 ? 'reachable' : 'unreachable';
  } catch {
    return 'unreachable';
  }
}
