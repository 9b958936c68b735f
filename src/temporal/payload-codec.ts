// Encrypts every Temporal payload (workflow inputs, results, signals, queries, memos, failure
// messages) with AES-256-GCM before it leaves the process, so emails, phone numbers, names and
// message bodies never sit in Temporal's history in clear. The key is derived from ENCRYPTION_KEY;
// each payload names its key id, so after a rotation the previous keys still decode old history.
//
// A payload of a tenant's workflow also names that tenant (TENANT_METADATA, from the workflow id
// in the SDK's serialization context), and the tenant id is the AES-GCM associated data: relabel
// the payload with another tenant and it no longer decrypts. The codec endpoint relies on this to
// decode a payload only for a caller of the tenant it belongs to. Payloads without the label
// (no tenant, or written before the label existed) use no associated data, as before.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, type SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { tenantOfWorkflowId } from '../domain/workflow-ids';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const TENANT_METADATA = 'frontdesk-tenant-id';
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
    super(
      `Payload was encrypted with key ${keyId}, which is not configured (ENCRYPTION_KEY / ENCRYPTION_KEYS_PREVIOUS)`,
    );
    this.name = 'UnknownCodecKeyError';
  }
}

export class PayloadIntegrityError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('Payload does not decrypt: it was altered, or relabelled with another tenant', options);
    this.name = 'PayloadIntegrityError';
  }
}

/** Who may read a payload: not encrypted at all, or encrypted for a tenant (null: for none). */
export function payloadOwner(payload: Payload): { encrypted: false } | { encrypted: true; tenantId: string | null } {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return { encrypted: false };
  const tenant = payload.metadata?.[TENANT_METADATA];
  return { encrypted: true, tenantId: tenant ? decoder.decode(tenant) : null };
}

const associatedData = (tenantId: string) => encoder.encode(`frontdesk-tenant:${tenantId}`);

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

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    // The workflow's (or its activity's) id names the tenant: see domain/workflow-ids.ts.
    return this.encodeForTenant(context?.workflowId ? tenantOfWorkflowId(context.workflowId) : null, payloads);
  }

  /** Encrypts for `tenantId` (null: for no tenant); what encode() does once it knows the tenant. */
  encodeForTenant(tenantId: string | null, payloads: Payload[]): Payload[] {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_LENGTH);
      const cipher = createCipheriv(CIPHER, this.current.key, iv);
      if (tenantId) cipher.setAAD(associatedData(tenantId));
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: encoder.encode(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: encoder.encode(this.current.id),
          ...(tenantId ? { [TENANT_METADATA]: encoder.encode(tenantId) } : {}),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const owner = payloadOwner(payload);
      if (!owner.encrypted) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const keyId = idBytes ? decoder.decode(idBytes) : '';
      const key = this.byId.get(keyId);
      if (!key) throw new UnknownCodecKeyError(keyId);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      const iv = data.subarray(0, IV_LENGTH);
      const tag = data.subarray(data.length - TAG_LENGTH);
      const decipher = createDecipheriv(CIPHER, key.key, iv);
      if (owner.tenantId) decipher.setAAD(associatedData(owner.tenantId));
      decipher.setAuthTag(tag);
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_LENGTH, data.length - TAG_LENGTH)), decipher.final()]);
      } catch (err) {
        throw new PayloadIntegrityError({ cause: err });
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
