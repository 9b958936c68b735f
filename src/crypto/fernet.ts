// Fernet (https://github.com/fernet/spec), byte-compatible with Python's cryptography.fernet,
// because the seed's ENCRYPTION_KEY and the secrets it encrypted are in that format.
// Token: 0x80 | timestamp (u64 BE seconds) | IV (16) | AES-128-CBC ciphertext | HMAC-SHA256 (32).
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 0x80;
const HEADER = 1 + 8 + 16;
const HMAC_LENGTH = 32;
/** Same tolerance as cryptography.fernet for tokens stamped slightly in the future. */
const MAX_CLOCK_SKEW_SECONDS = 60;

export class InvalidFernetToken extends Error {
  constructor(readonly reason: string) {
    super(`Invalid Fernet token: ${reason}`);
    this.name = 'InvalidFernetToken';
  }
}

export interface FernetOptions {
  /** Seconds since the epoch; the wall clock by default (tests pass the spec's instants). */
  now?: () => number;
}

export class Fernet {
  private readonly signingKey: Buffer;
  private readonly encryptionKey: Buffer;
  private readonly now: () => number;

  constructor(key: string, options: FernetOptions = {}) {
    const raw = decodeBase64Url(key);
    if (raw === null || raw.length !== 32) {
      throw new Error('A Fernet key must be 32 bytes of url-safe base64');
    }
    this.signingKey = raw.subarray(0, 16);
    this.encryptionKey = raw.subarray(16);
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** A fresh key in the same format as `Fernet.generate_key()`. */
  static generateKey(): string {
    return randomBytes(32).toString('base64url') + '=';
  }

  encrypt(plaintext: string | Buffer, iv: Buffer = randomBytes(16), at: number = this.now()): string {
    if (iv.length !== 16) throw new Error('IV must be 16 bytes');
    const cipher = createCipheriv('aes-128-cbc', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const header = Buffer.alloc(HEADER);
    header.writeUInt8(VERSION, 0);
    header.writeBigUInt64BE(BigInt(Math.floor(at)), 1);
    iv.copy(header, 9);
    const body = Buffer.concat([header, ciphertext]);
    const mac = createHmac('sha256', this.signingKey).update(body).digest();
    return toBase64UrlPadded(Buffer.concat([body, mac]));
  }

  /** Decrypts and authenticates; with `ttlSeconds`, also rejects tokens older than that. */
  decrypt(token: string, ttlSeconds?: number): Buffer {
    const data = decodeBase64Url(token);
    if (data === null) throw new InvalidFernetToken('not url-safe base64');
    if (data.length < HEADER + 16 + HMAC_LENGTH || (data.length - HEADER - HMAC_LENGTH) % 16 !== 0) {
      throw new InvalidFernetToken('wrong length');
    }
    if (data[0] !== VERSION) throw new InvalidFernetToken('unknown version');

    const body = data.subarray(0, data.length - HMAC_LENGTH);
    const mac = data.subarray(data.length - HMAC_LENGTH);
    const expected = createHmac('sha256', this.signingKey).update(body).digest();
    if (!timingSafeEqual(mac, expected)) throw new InvalidFernetToken('signature mismatch');

    const timestamp = Number(data.readBigUInt64BE(1));
    const now = this.now();
    if (ttlSeconds !== undefined && timestamp + ttlSeconds < now) throw new InvalidFernetToken('expired');
    if (timestamp > now + MAX_CLOCK_SKEW_SECONDS) throw new InvalidFernetToken('timestamp in the future');

    const iv = data.subarray(9, HEADER);
    try {
      const decipher = createDecipheriv('aes-128-cbc', this.encryptionKey, iv);
      return Buffer.concat([decipher.update(data.subarray(HEADER, body.length)), decipher.final()]);
    } catch {
      throw new InvalidFernetToken('padding');
    }
  }

  decryptString(token: string, ttlSeconds?: number): string {
    return this.decrypt(token, ttlSeconds).toString('utf8');
  }
}

function decodeBase64Url(value: string): Buffer | null {
  const trimmed = value.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(trimmed)) return null;
  return Buffer.from(trimmed, 'base64url');
}

function toBase64UrlPadded(buf: Buffer): string {
  const s = buf.toString('base64url');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}
