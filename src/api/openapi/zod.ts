// zod with the `.openapi()` method of @asteasolutions/zod-to-openapi. Route schemas import `z`
// from here so they can carry OpenAPI names and examples; the extension is applied once, before
// any schema is built.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
