import vectors from '../fixtures/fernet-spec-vectors.json';
import { Fernet, InvalidFernetToken } from '../../src/crypto/fernet';

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe('Fernet against the spec vectors', () => {
  it.each(vectors.generate)('generates the published token for "$src"', (v) => {
    const fernet = new Fernet(v.secret, { now: () => seconds(v.now) });
    expect(fernet.encrypt(v.src, Buffer.from(v.iv))).toBe(v.token);
  });

  it.each(vectors.verify)('verifies the published token for "$src"', (v) => {
    const fernet = new Fernet(v.secret, { now: () => seconds(v.now) });
    expect(fernet.decryptString(v.token, v.ttl_sec)).toBe(v.src);
  });

  it.each(vectors.invalid)('rejects: $desc', (v) => {
    const fernet = new Fernet(v.secret, { now: () => seconds(v.now) });
    expect(() => fernet.decrypt(v.token, v.ttl_sec)).toThrow(InvalidFernetToken);
  });
});

describe('Fernet keys and round trips', () => {
  it('round-trips with a generated key, in the Python key format', () => {
    const key = Fernet.generateKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    const fernet = new Fernet(key);
    expect(fernet.decryptString(fernet.encrypt('refresh-token-☃'))).toBe('refresh-token-☃');
  });

  it('refuses a token made with another key', () => {
    const token = new Fernet(Fernet.generateKey()).encrypt('secret');
    expect(() => new Fernet(Fernet.generateKey()).decrypt(token)).toThrow(InvalidFernetToken);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new Fernet('c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
