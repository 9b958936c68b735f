// Injected failures: POST /_sandbox/faults queues "the next N calls to this provider fail so".
import { z } from 'zod';

export const FAULT_PROVIDERS = [
  'gmail',
  'calendar',
  'google-oauth',
  'stripe',
  'twilio',
  'anthropic',
  'openai',
] as const;
export type FaultProvider = (typeof FAULT_PROVIDERS)[number];

export const faultSchema = z
  .object({
    provider: z.enum(FAULT_PROVIDERS),
    /**
     * An HTTP status, or 0 for no answer at all (with delayMs: hang that long, then drop the
     * connection). A 2xx with a body stands for a malformed success (e.g. a reply missing a field).
     */
    status: z
      .number()
      .int()
      .min(0)
      .max(599)
      .refine((s) => s === 0 || s >= 200, 'must be 0 or an HTTP status'),
    count: z.number().int().min(1).max(1000).default(1),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    /** The error body to answer with; the provider's own format for the status by default. */
    body: z.unknown().optional(),
    /** Extra response headers; null removes a default (e.g. `{"retry-after": null}` for a 429 without it). */
    headers: z.record(z.string(), z.string().nullable()).optional(),
    /**
     * The call takes effect first (the email is sent, the SMS created), then the answer is replaced
     * by the fault: the ambiguous failure where the provider acted but the reply was lost.
     */
    after: z.boolean().default(false),
  })
  .refine((f) => f.status === 0 || f.status >= 400 || f.body !== undefined, {
    path: ['status'],
    message: 'must be 0 or an error status (400-599); a 2xx needs a body',
  });
export type Fault = z.infer<typeof faultSchema>;

export class FaultQueue {
  private readonly queues = new Map<FaultProvider, { fault: Fault; remaining: number }[]>();
  /** The delays in progress, each ended early by release(). */
  private readonly hangs = new Set<() => void>();

  add(fault: Fault): void {
    const queue = this.queues.get(fault.provider) ?? [];
    queue.push({ fault, remaining: fault.count });
    this.queues.set(fault.provider, queue);
  }

  /** The fault the next call to this provider suffers, if any (consumes one). */
  take(provider: FaultProvider): Fault | null {
    const queue = this.queues.get(provider);
    const head = queue?.[0];
    if (!queue || !head) return null;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  pending(): { provider: FaultProvider; status: number; remaining: number }[] {
    return [...this.queues.entries()].flatMap(([provider, queue]) =>
      queue.map(({ fault, remaining }) => ({ provider, status: fault.status, remaining })),
    );
  }

  clear(): void {
    this.queues.clear();
  }

  /** Registers a delay in progress; returns how to forget it once it ended by itself. */
  onRelease(end: () => void): () => void {
    this.hangs.add(end);
    return () => this.hangs.delete(end);
  }

  /**
   * Ends every delay in progress now: each call goes on as its fault says (a hang drops the
   * connection, an error status answers). A test picks the moment a hung call comes back.
   */
  release(): number {
    const ends = [...this.hangs];
    this.hangs.clear();
    for (const end of ends) end();
    return ends.length;
  }
}
