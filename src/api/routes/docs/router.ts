// GET /api/docs: Swagger UI over /api/openapi.json, served entirely from this server (the
// swagger-ui-dist package), so it works with no internet. Its CSP is the only one that allows
// stylesheets with inline styles; scripts still come only from 'self'.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Router from '@koa/router';
import type { AppState, AppContext } from '../../context';
import { documentLayer } from '../../openapi/route-docs';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Frontdesk API</title>
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`;

// validatorUrl: null — Swagger UI would otherwise send the spec to an online validator.
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
`;

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

export function docsRouter(): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/docs' });
  const cache = new Map<string, Buffer>();

  const hide = () => {
    const layer = router.stack.at(-1);
    if (layer)
      documentLayer(layer, {
        operationId: '',
        summary: '',
        tags: [],
        access: 'public',
        responses: {},
        idempotent: false,
        hidden: true,
      });
  };
  const send = (ctx: AppContext, type: string, body: string | Buffer, cacheControl: string) => {
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.set('Cache-Control', cacheControl);
    ctx.type = type;
    ctx.body = body;
  };

  router.get('/', (ctx) => send(ctx, 'text/html; charset=utf-8', PAGE, 'no-cache'));
  hide();
  router.get('/init.js', (ctx) => send(ctx, 'text/javascript; charset=utf-8', INIT, 'no-cache'));
  hide();
  for (const [file, type] of Object.entries(ASSETS)) {
    router.get(`/${file}`, async (ctx) => {
      let content = cache.get(file);
      if (!content) {
        content = await readFile(path.join(SWAGGER_UI_DIR, file));
        cache.set(file, content);
      }
      send(ctx, type, content, 'public, max-age=86400');
    });
    hide();
  }
  return router;
}
