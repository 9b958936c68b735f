// Who may do what inside a tenant. Roles are ordered: an owner can do everything an admin can,
// an admin everything staff can.
export const ROLES = ['owner', 'admin', 'staff'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { staff: 1, admin: 2, owner: 3 };

/** True when `actual` is `required` or above it. */
export function roleAtLeast(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}
