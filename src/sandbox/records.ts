// What the sandbox saw: business-level items per provider (GET /_sandbox/sent), every HTTP call
// with its outcome (GET /_sandbox/requests), and every event it delivered to the API.
export const SENT_PROVIDERS = ['gmail', 'calendar', 'stripe', 'twilio', 'anthropic', 'openai'] as const;
export type SentProvider = (typeof SENT_PROVIDERS)[number];

export interface RequestRecord {
  provider: string;
  method: string;
  path: string;
  status: number;
  fault: boolean;
  at: string;
}

export interface DeliveryRecord {
  kind: 'stripe-event' | 'twilio-inbound' | 'twilio-status' | 'gmail-push' | 'calendar-push';
  url: string;
  /** The API's HTTP status; 0 when it could not be reached. */
  status: number;
  error?: string;
  at: string;
}

export class Records {
  private sentItems: { provider: SentProvider; item: Record<string, unknown> }[] = [];
  private requestItems: RequestRecord[] = [];
  private deliveryItems: DeliveryRecord[] = [];

  sent(provider: SentProvider, item: Record<string, unknown>): void {
    this.sentItems.push({ provider, item: { ...item, at: new Date().toISOString() } });
  }

  request(record: Omit<RequestRecord, 'at'>): void {
    this.requestItems.push({ ...record, at: new Date().toISOString() });
    // A long dev session should not grow without bound.
    if (this.requestItems.length > 5000) this.requestItems.splice(0, 1000);
  }

  delivery(record: Omit<DeliveryRecord, 'at'>): void {
    this.deliveryItems.push({ ...record, at: new Date().toISOString() });
    if (this.deliveryItems.length > 5000) this.deliveryItems.splice(0, 1000);
  }

  listSent(provider?: SentProvider): Record<string, unknown>[] {
    return this.sentItems
      .filter((s) => !provider || s.provider === provider)
      .map((s) => (provider ? s.item : { provider: s.provider, ...s.item }));
  }

  listRequests(provider?: string): RequestRecord[] {
    return this.requestItems.filter((r) => !provider || r.provider === provider);
  }

  listDeliveries(kind?: string): DeliveryRecord[] {
    return this.deliveryItems.filter((d) => !kind || d.kind === kind);
  }

  clear(): void {
    this.sentItems = [];
    this.requestItems = [];
    this.deliveryItems = [];
  }
}
