import helmet from 'koa-helmet';

/** helmet's defaults suit a JSON API; HSTS matters once behind Railway's TLS. */
export function securityHeaders() {
  return helmet({
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}
