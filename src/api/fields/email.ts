// An email address as the API takes it: the HTML living standard's rule (what a browser's
// <input type="email"> accepts, any of RFC 5322's atext characters before the @), trimmed. zod's
// own default is stricter and refused valid addresses such as o'brien@ or x~y@.
import { z } from '../openapi/zod';

export const emailAddress = z.string().trim().max(254).email({ pattern: z.regexes.html5Email });
