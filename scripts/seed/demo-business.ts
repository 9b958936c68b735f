// What the demo business holds. Plain data: each seed step reads its part, and finds what an
// earlier run made by a stable key (a client's email, an invoice's description, a thread's
// subject), so running the seed again adds nothing. New kinds of records (reply drafts) get
// their list here and a step of their own in seed.ts.

export interface DemoClient {
  name: string;
  email: string;
  phone?: string;
  smsConsent?: boolean;
  timezone?: string;
  notes?: string;
}

export interface DemoService {
  /** Unique among the business's services: how a later run finds it again. */
  name: string;
  durationMinutes: number;
  bufferMinutes?: number;
  priceCents?: number;
  description?: string;
}

export interface DemoBooking {
  /** The client's email and the service's name (both found by them). */
  client: string;
  service: string;
  /** The next weekday at least this many days from today, at `at` in the business's zone. */
  inDays: number;
  at: string;
  /** Unique within the demo: how a later run finds this booking again. */
  notes: string;
}

/** Where the seed leaves an invoice; `overdue` is open with every reminder sent. */
export type InvoiceOutcome = 'open' | 'paid_by_hand' | 'void' | 'paid_by_stripe' | 'overdue';

export interface DemoInvoice {
  outcome: InvoiceOutcome;
  /** The client's email (clients are found by it). */
  client: string;
  /** Unique within the demo: how a later run finds this invoice again. */
  description: string;
  amountCents: number;
  /** Days from today; negative is in the past. */
  dueInDays: number;
  channels?: ('email' | 'sms')[];
}

export interface DemoMail {
  /** The client's email (the sender). */
  from: string;
  /** Unique within the demo: how a later run finds this thread again. */
  subject: string;
  text: string;
}

export const DEMO_OWNER = {
  businessName: 'Harbour Hair Studio',
  email: 'owner@harbour-hair.example',
  password: 'harbour demo passphrase',
  timezone: 'Europe/London',
};

export const DEMO_CLIENTS: DemoClient[] = [
  {
    name: 'Ada Lovelace',
    email: 'ada@lovelace.example',
    phone: '+44 7911 123456',
    smsConsent: true,
    timezone: 'Europe/London',
    notes: 'Prefers morning appointments',
  },
  {
    name: 'Grace Hopper',
    email: 'grace@hopper.example',
    phone: '+1 202 555 0143',
    smsConsent: true,
    timezone: 'America/New_York',
  },
  {
    name: 'Katherine Johnson',
    email: 'katherine@johnson.example',
    phone: '+1 415 555 2671',
    smsConsent: false,
    notes: 'No texts, email only',
  },
  { name: 'Alan Turing', email: 'alan@turing.example', timezone: 'Europe/London' },
  { name: 'Marie Curie', email: 'marie@curie.example', timezone: 'Europe/Paris' },
  { name: 'Rex Carter', email: 'rex@carter.example', notes: 'Complained after his last visit' },
];

export const DEMO_SERVICES: DemoService[] = [
  {
    name: 'Cut and blow-dry',
    durationMinutes: 45,
    bufferMinutes: 15,
    priceCents: 6_500,
    description: 'Wash, cut and blow-dry',
  },
  { name: 'Balayage', durationMinutes: 150, bufferMinutes: 15, priceCents: 18_500 },
  { name: 'Consultation', durationMinutes: 15 },
];

export const DEMO_BOOKINGS: DemoBooking[] = [
  {
    client: 'ada@lovelace.example',
    service: 'Cut and blow-dry',
    inDays: 2,
    at: '10:00',
    notes: 'Demo: a trim before her talk',
  },
  { client: 'alan@turing.example', service: 'Balayage', inDays: 3, at: '13:00', notes: 'Demo: first balayage' },
];

export const DEMO_INVOICES: DemoInvoice[] = [
  {
    outcome: 'open',
    client: 'ada@lovelace.example',
    description: 'Balayage and gloss',
    amountCents: 18_500,
    dueInDays: 21,
    channels: ['email', 'sms'],
  },
  {
    outcome: 'paid_by_hand',
    client: 'alan@turing.example',
    description: 'Cut and beard trim',
    amountCents: 4_200,
    dueInDays: 7,
  },
  {
    outcome: 'void',
    client: 'marie@curie.example',
    description: 'Keratin treatment (booked twice by mistake)',
    amountCents: 22_000,
    dueInDays: 14,
  },
  {
    outcome: 'paid_by_stripe',
    client: 'katherine@johnson.example',
    description: 'Colour correction',
    amountCents: 31_000,
    dueInDays: 10,
  },
  // Due three weeks ago: every step of the default schedule [-3, 0, 3, 7, 14] is past, so the
  // reminder workflow sends only the latest one at once and then flags the invoice overdue.
  {
    outcome: 'overdue',
    client: 'grace@hopper.example',
    description: 'Cut and blow-dry, last month',
    amountCents: 6_500,
    dueInDays: -21,
    channels: ['email', 'sms'],
  },
];

/** An ordinary question: stored as a thread, screened safe. */
export const DEMO_INBOUND_MAIL: DemoMail = {
  from: 'ada@lovelace.example',
  subject: 'Moving my Thursday appointment',
  text: 'Hello, could I move my appointment on Thursday to the afternoon? Anything after 2pm works for me. Thanks, Ada',
};

/**
 * A threat, in words the sandbox's stand-in for Claude classifies unsafe (threat, high:
 * src/sandbox/providers/anthropic-answers.ts), so the guardian flags the thread.
 */
export const DEMO_UNSAFE_MAIL: DemoMail = {
  from: 'rex@carter.example',
  subject: 'About my last visit',
  text: 'I know where you live. You will regret what your stylist did to my hair.',
};
