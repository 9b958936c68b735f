// The one way tests wait: poll an observable condition until it holds or a deadline passes (a
// deadline generous for a loaded 2-core machine), never a fixed sleep.

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Calls `probe` until its answer satisfies `done`, and returns that answer. */
export function pollUntil<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  return eventually(
    async () => {
      const value = await probe();
      return done(value) ? value : undefined;
    },
    timeoutMs,
    what,
  );
}
