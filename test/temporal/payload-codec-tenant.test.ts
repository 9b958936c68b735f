// The codec labels each payload with the tenant its workflow belongs to (from the workflow id in
// the SDK's serialization context) and binds the label into AES-GCM: the label cannot be moved.
import { randomUUID } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { Fernet } from '../../src/crypto/fernet';
import { tenantOfWorkflowId } from '../../src/domain/workflow-ids';
import {
  EncryptionCodec,
  PayloadIntegrityError,
  payloadOwner,
  TENANT_METADATA,
} from '../../src/temporal/payload-codec';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString();
const payload: Payload = {
  metadata: { encoding: new TextEncoder().encode('json/plain') },
  data: new TextEncoder().encode('"maya@client.example"'),
};
const tenant = randomUUID();
const codec = new EncryptionCodec(Fernet.generateKey());

it('reads the tenant from workflow ids of the form <kind>:<tenant>:<id>', () => {
  expect(tenantOfWorkflowId(`invoice:${tenant}:${randomUUID()}`)).toBe(tenant);
  expect(tenantOfWorkflowId(`mailbox-watch:${tenant}:${randomUUID()}`)).toBe(tenant);
  expect(tenantOfWorkflowId(`guardian:${tenant}`)).toBe(tenant);
  expect(tenantOfWorkflowId(`probe:codec:${randomUUID()}`)).toBeNull();
  expect(tenantOfWorkflowId(`${tenant}`)).toBeNull();
  expect(tenantOfWorkflowId(`invoice:${tenant}x:1`)).toBeNull();
});

it("labels a workflow's and its activities' payloads with the tenant, and others with none", async () => {
  const workflowId = `invoice:${tenant}:${randomUUID()}`;
  const [forWorkflow] = await codec.encode([payload], { type: 'workflow', namespace: 'default', workflowId });
  const [forActivity] = await codec.encode([payload], {
    type: 'activity',
    namespace: 'default',
    workflowId,
    isLocal: false,
  });
  const [forNobody] = await codec.encode([payload]);
  expect(payloadOwner(forWorkflow!)).toEqual({ encrypted: true, tenantId: tenant });
  expect(payloadOwner(forActivity!)).toEqual({ encrypted: true, tenantId: tenant });
  expect(payloadOwner(forNobody!)).toEqual({ encrypted: true, tenantId: null });
  expect(payloadOwner(payload)).toEqual({ encrypted: false });
  for (const p of [forWorkflow, forActivity, forNobody])
    expect(text((await codec.decode([p!]))[0]!.data)).toBe('"maya@client.example"');
});

it('refuses a payload whose tenant label was changed or removed', async () => {
  const [labelled] = codec.encodeForTenant(tenant, [payload]);
  const relabelled = {
    ...labelled!,
    metadata: { ...labelled!.metadata, [TENANT_METADATA]: new TextEncoder().encode(randomUUID()) },
  };
  await expect(codec.decode([relabelled])).rejects.toThrow(PayloadIntegrityError);
  const { [TENANT_METADATA]: _label, ...rest } = labelled!.metadata!;
  await expect(codec.decode([{ ...labelled!, metadata: rest }])).rejects.toThrow(PayloadIntegrityError);
  const [unlabelled] = codec.encodeForTenant(null, [payload]);
  await expect(
    codec.decode([
      { ...unlabelled!, metadata: { ...unlabelled!.metadata, [TENANT_METADATA]: new TextEncoder().encode(tenant) } },
    ]),
  ).rejects.toThrow(PayloadIntegrityError);
});
