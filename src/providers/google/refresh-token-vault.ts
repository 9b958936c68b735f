// Google refresh tokens are long-lived credentials to a business's mailbox: they are stored only
// as Fernet tokens under ENCRYPTION_KEY and opened just before use. Like Python's MultiFernet, a
// token sealed under a retired key (ENCRYPTION_KEYS_PREVIOUS) still opens, so rotating
// ENCRYPTION_KEY does not disconnect every mailbox; new tokens are always sealed under the current
// key (reconnecting, or the next refresh-token grant, re-seals them).
import type { Config } from '../../config';
import { Fernet, InvalidFernetToken } from '../../crypto/fernet';

type Keys = Pick<Config, 'encryptionKey' | 'previousEncryptionKeys'>;

export function sealRefreshToken(config: Keys, refreshToken: string): string {
  return new Fernet(config.encryptionKey).encrypt(refreshToken);
}

export function openRefreshToken(config: Keys, ciphertext: string): string {
  const keys = [config.encryptionKey, ...config.previousEncryptionKeys];
  for (const [i, key] of keys.entries()) {
    try {
      return new Fernet(key).decrypt(ciphertext).toString('utf8');
    } catch (err) {
      // Only a signature mismatch means "try the next key"; a malformed token fails at once.
      if (!(err instanceof InvalidFernetToken) || err.reason !== 'signature mismatch' || i === keys.length - 1)
        throw err;
    }
  }
  throw new InvalidFernetToken('no key');
}
