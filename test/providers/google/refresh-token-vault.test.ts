// Stored Google refresh tokens survive a rotation of ENCRYPTION_KEY: the retired key, listed in
// ENCRYPTION_KEYS_PREVIOUS, still opens what it sealed; a key not listed does not.
import { Fernet, InvalidFernetToken } from '../../../src/crypto/fernet';
import { openRefreshToken, sealRefreshToken } from '../../../src/providers/google/refresh-token-vault';

const oldKey = Fernet.generateKey();
const newKey = Fernet.generateKey();
const token = '1//0refresh-token-of-a-mailbox';

it('seals under the current key and opens it', () => {
  const sealed = sealRefreshToken({ encryptionKey: newKey, previousEncryptionKeys: [oldKey] }, token);
  expect(sealed).not.toContain(token);
  expect(openRefreshToken({ encryptionKey: newKey, previousEncryptionKeys: [] }, sealed)).toBe(token);
  // Sealed under the current key: the retired key alone cannot open it.
  expect(() => openRefreshToken({ encryptionKey: oldKey, previousEncryptionKeys: [] }, sealed)).toThrow(
    InvalidFernetToken,
  );
});

it('opens a token sealed under a retired key listed in ENCRYPTION_KEYS_PREVIOUS, and only then', () => {
  const sealedBefore = sealRefreshToken({ encryptionKey: oldKey, previousEncryptionKeys: [] }, token);
  expect(
    openRefreshToken({ encryptionKey: newKey, previousEncryptionKeys: [Fernet.generateKey(), oldKey] }, sealedBefore),
  ).toBe(token);
  expect(() => openRefreshToken({ encryptionKey: newKey, previousEncryptionKeys: [] }, sealedBefore)).toThrow(
    /signature mismatch/,
  );
});

it('fails at once on a malformed token', () => {
  expect(() => openRefreshToken({ encryptionKey: newKey, previousEncryptionKeys: [oldKey] }, 'not-a-token')).toThrow(
    InvalidFernetToken,
  );
});
