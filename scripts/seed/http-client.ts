// The seed's only way in: JSON over HTTP to the API and to the sandbox's control routes, as any
// client would call them. A call that answers otherwise than expected stops the seed with the
// route, the status and the problem's detail, so a half-seeded stack says what went wrong.

export interface Answer<T = unknown> {
  status: number;
  body: T;
}

export interface CallOptions {
  json?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** Statuses that are not a failure (default: any 2xx). */
  accept?: number[];
}

export class SeedError extends Error {}

export class HttpClient {
  constructor(readonly baseUrl: string) {}

  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.json !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers,
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new SeedError(
        `${method} ${this.baseUrl}${path} did not answer (${err instanceof Error ? err.message : String(err)}): is \`npm run dev\` running?`,
      );
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (the sandbox's plain 404, a redirect): kept as text for the error message.
    }
    const accepted = options.accept ? options.accept.includes(res.status) : res.status >= 200 && res.status < 300;
    if (!accepted) {
      const problem =
        typeof body === 'object' && body !== null
          ? (body as { detail?: string; errors?: { path: string; message: string }[] })
          : null;
      const fields = problem?.errors?.map((e) => `${e.path} ${e.message}`).join('; ');
      const detail = problem ? [problem.detail ?? JSON.stringify(body), fields].filter(Boolean).join(': ') : text;
      throw new SeedError(`${method} ${path} answered ${res.status}: ${detail}`);
    }
    return { status: res.status, body: body as T };
  }

  /** Every item of a list route, page by page. */
  async all<T>(path: string, token: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: Answer<{ items: T[]; nextCursor: string | null }> = await this.call(
        'GET',
        `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return items;
  }
}

/**
 * Polls until `check` answers a value: what the worker does after an API call (sync a mailbox,
 * screen it, flag an invoice) shows up a moment later.
 */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new SeedError(
        `${what} did not happen within ${timeoutMs / 1000} s: is the worker running (\`npm run dev\` starts it)?`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}
