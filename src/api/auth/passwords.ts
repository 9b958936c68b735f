// Password hashing: argon2id with the OWASP-recommended minimum cost (19 MiB, 2 passes, 1 lane),
// from @node-rs/argon2 (prebuilt binaries, no install script).
import { hash, verify } from '@node-rs/argon2';

const ARGON2ID = 2; // the package's Algorithm.Argon2id (a const enum, which isolatedModules cannot inline)
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash is a failed login, not a 500
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies against a throwaway hash, so a login for an unknown email costs as much time as one
 * with a wrong password and timing does not tell which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('frontdesk-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}
