// Nothing sensitive sits in Temporal's history in clear: the raw history, read without the codec,
// holds only ciphertext, and the codec (with the right key) gives the values back.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DatabasePool } from 'slonik';
import { Fernet } from '../../src/crypto/fernet';
import { EncryptionCodec, ENCRYPTED_ENCODING, UnknownCodecKeyError } from '../../src/temporal/payload-codec';
import { testConfig } from '../helpers/config';
import { createAppPool } from '../helpers/db';
import { connectClient, startTestWorker } from '../helpers/temporal';

const EMAIL = 'jane.doe.codec@example.com';
const PHONE = '+15557654321';

describe('payload encryption on the real server', () => {
  let client: Client;
  let rawConnection: Connection;
  let pool: DatabasePool;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;

  beforeAll(async () => {
    const config = testConfig();
    pool = await createAppPool();
    client = await connectClient(config);
    rawConnection = await Connection.connect({ address: config.temporal.address });
    worker = await startTestWorker(config, pool);
  });
  afterAll(async () => {
    await worker.stop();
    await pool.end();
    await client.connection.close();
    await rawConnection.close();
  });

  it('stores no plaintext email address or phone number in the raw history', async () => {
    const workflowId = `probe:codec:${randomUUID()}`;
    const handle = await client.workflow.start('probe', {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ note: `${EMAIL} ${PHONE}` }],
    });
    // Decrypted through the client that has the codec.
    expect((await handle.result()).note).toBe(`${EMAIL} ${PHONE}`);

    // The same history through a connection with no codec: raw bytes as the server stores them.
    const raw = new Client({ connection: rawConnection, namespace: 'default' });
    const history = await raw.workflow.getHandle(workflowId).fetchHistory();
    const allBytes = JSON.stringify(history, (_k, v) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
    );
    expect(allBytes).not.toContain(EMAIL);
    expect(allBytes).not.toContain(PHONE);
    expect(allBytes).not.toContain('jane.doe');
    // And it is really our encoding on the input, not an empty payload.
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
  });
});

describe('EncryptionCodec', () => {
  const payload = {
    metadata: { encoding: new TextEncoder().encode('json/plain') },
    data: new TextEncoder().encode(JSON.stringify(EMAIL)),
  };

  it('round-trips and marks the key id', async () => {
    const codec = new EncryptionCodec(Fernet.generateKey());
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.metadata!['encryption-key-id']!).toString()).toBe(codec.keyId);
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain(EMAIL);
    const [decoded] = await codec.decode([encoded!]);
    expect(Buffer.from(decoded!.data!).toString()).toBe(JSON.stringify(EMAIL));
  });

  it('decodes history written under a retired key after rotation, and encodes with the new one', async () => {
    const oldKey = Fernet.generateKey();
    const newKey = Fernet.generateKey();
    const [old] = await new EncryptionCodec(oldKey).encode([payload]);
    const rotated = new EncryptionCodec(newKey, [oldKey]);
    const [decoded] = await rotated.decode([old!]);
    expect(Buffer.from(decoded!.data!).toString()).toBe(JSON.stringify(EMAIL));
    const [fresh] = await rotated.encode([payload]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe(rotated.keyId);
    expect(rotated.keyId).not.toBe(new EncryptionCodec(oldKey).keyId);
  });

  it('refuses a payload whose key is unknown, and one that was tampered with', async () => {
    const [encoded] = await new EncryptionCodec(Fernet.generateKey()).encode([payload]);
    await expect(new EncryptionCodec(Fernet.generateKey()).decode([encoded!])).rejects.toThrow(UnknownCodecKeyError);
    const codec = new EncryptionCodec(Fernet.generateKey());
    const [mine] = await codec.encode([payload]);
    const data = Buffer.from(mine!.data!);
    data[20] = data[20]! ^ 0xff;
    await expect(codec.decode([{ ...mine!, data }])).rejects.toThrow();
  });

  it('passes through payloads that are not encrypted (e.g. written before the codec existed)', async () => {
    const codec = new EncryptionCodec(Fernet.generateKey());
    expect(await codec.decode([payload])).toEqual([payload]);
  });
});
