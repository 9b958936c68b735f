// Which paths the per-address limit counts: every /api path but the health checks (a platform
// probes them from a few addresses) and the webhooks (verified by signature instead, and sent for
// every business from a provider's few addresses). The OpenAPI document reads it too, so it lists
// a 429 exactly where one can come.
import { WEBHOOK_PATHS } from '../webhooks';

const EXEMPT_PREFIXES: readonly string[] = ['/api/health', ...WEBHOOK_PATHS];

export function limitedPerIp(path: string): boolean {
  return path.startsWith('/api/') && !EXEMPT_PREFIXES.some((p) => path.startsWith(p));
}
