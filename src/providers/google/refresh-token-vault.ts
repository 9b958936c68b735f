// Google refresh tokens are long-lived credentials to a business's mailbox: they are stored only
// as Fernet tokens under ENCRYPTION_KEY and opened just before use.
import type { Config } from '../../config';
import { Fernet } from '../../crypto/fernet';

export function sealRefreshToken(config: Config, refreshToken: string): string {
  return new Fernet(config.encryptionKey).encrypt(refreshToken);
}

export function openRefreshToken(config: Config, ciphertext: string): string {
  return new Fernet(config.encryptionKey).decrypt(ciphertext).toString('utf8');
}
