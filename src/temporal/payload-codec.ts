// Encrypts every Temporal payload (workflow inputs, results, signals, queries, memos, failure
// messages) with AES-256-GCM before it leaves the process, so emails, phone numbers, names and
// message bodies never sit in Temporal's history in clear. The key is derived from ENCRYPTION_KEY;
// each payload names its key id, so after a rotation the previous keys still decode old history.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface CodecKey {
  id: string;
  key: Buffer;
}

/** A purpose-bound AES key from a Fernet key (never the Fernet key itself), and a public id. */
export function deriveCodecKey(fernetKey: string): CodecKey {
  const ikm = Buffer.from(fernetKey.replace(/=+$/, ''), 'base64url');
  const key = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'frontdesk temporal payload codec v1', 32));
  const id = createHash('sha256').update('frontdesk key id').update(key).digest('hex').slice(0, 16);
  return { id, key };
}

export class UnknownCodecKeyError extends Error {
  constructor(keyId: string) {
    super(`Payload was encrypted with key ${keyId}, which is not configured (ENCRYPTION_KEY / ENCRYPTION_KEYS_PREVIOUS)`);
    this.name = 'UnknownCodecKeyError';
  }
}

export class EncryptionCodec implements PayloadCodec {
  private readonly current: CodecKey;
  private readonly byId: Map<string, CodecKey>;

  constructor(currentKey: string, previousKeys: readonly string[] = []) {
    this.current = deriveCodecKey(currentKey);
    this.byId = new Map([this.current, ...previousKeys.map(deriveCodecKey)].map((k) => [k.id, k]));
  }

  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv(CIPHER, this.current.key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: encoder.encode(this.current.id),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = idBytes ? decoder.decode(idBytes) : '';
      const key = this.byId.get(keyId);
      if (!key) throw new UnknownCodecKeyError(keyId);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const iv = data.subarray(0, IV_LENGTH);
      const tag = data.subarray(data.length - TAG_LENGTH);
      const decipher = createDecipheriv(CIPHER, key.key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(data.subarray(IV_LENGTH, data.length - TAG_LENGTH)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
