// Everything the sandbox's route modules share: its options, what it recorded, queued faults,
// the OIDC signer and each provider's state.
import type { CalendarStore } from './calendar-store';
import type { FaultQueue } from './faults';
import type { GoogleDirectory } from './gmail-mailbox';
import type { OidcSigner, SignInGrants } from './oidc';
import type { SandboxOptions } from './options';
import type { StripeStore } from './providers/stripe';
import type { TwilioStore } from './providers/twilio';
import type { Records } from './records';

export interface Sandbox {
  options: SandboxOptions;
  /** The sandbox's own base URL, known once it listens. */
  baseUrl: string;
  records: Records;
  faults: FaultQueue;
  oidc: OidcSigner;
  signIns: SignInGrants;
  google: GoogleDirectory;
  calendar: CalendarStore;
  stripe: StripeStore;
  twilio: TwilioStore;
}
