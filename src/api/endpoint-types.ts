import type { Role } from '../domain/roles';

/** Who may call a route: anyone, or a signed-in user of at least this role. */
export type Access = 'public' | Role;
