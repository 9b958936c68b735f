// The worker process refuses to start in a namespace that lacks a search attribute its workflows
// write (or has it as another type), naming each and how to register it, and exits non-zero; in
// a namespace with all of them it starts. Each case is a fresh namespace registered on the test
// dev server through the operator API, as an operator would set one up.
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../src/domain/search-attributes';
import { runEntryPoint } from './helpers/process';
import { createTestNamespace } from './helpers/temporal';

const { IndexedValueType } = temporal.api.enums.v1;
let connection: Connection;

beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
});
afterAll(() => connection?.close());

const namespaceWith = (attributes: Record<string, temporal.api.enums.v1.IndexedValueType>) =>
  createTestNamespace(connection, attributes, 'sa-check');

const allKeywords = () =>
  Object.fromEntries(
    CUSTOM_SEARCH_ATTRIBUTES.map(({ key }) => [key.name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
  );

function startWorker(namespace: string) {
  return runEntryPoint('src/worker.ts', {
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: `sa-check-${randomUUID()}`,
    GUARDIAN_BOOT_SWEEP: '0',
  });
}

it('refuses to start where a search attribute is missing, naming it and the command that adds it', async () => {
  const { EmailId: _missing, ...others } = allKeywords();
  const namespace = await namespaceWith(others);
  const worker = startWorker(namespace);
  const code = await worker.exited;
  const output = worker.output();
  expect({ code, output }).toEqual({ code: 78, output: expect.stringContaining('Missing: EmailId (Keyword).') });
  expect(output).toContain(
    `temporal operator search-attribute create --namespace ${namespace} --name EmailId --type Keyword`,
  );
  expect(output).not.toMatch(/Missing:.*(TenantId|InvoiceId|ClientId|MailboxId)/);
  expect(output).not.toContain('worker started');
});

it('refuses to start where a search attribute has another type', async () => {
  const namespace = await namespaceWith({ ...allKeywords(), InvoiceId: IndexedValueType.INDEXED_VALUE_TYPE_TEXT });
  const worker = startWorker(namespace);
  expect(await worker.exited).toBe(78);
  expect(worker.output()).toContain('InvoiceId is Text, must be Keyword');
  expect(worker.output()).not.toContain('Missing:');
});

it('starts where every search attribute is registered', async () => {
  const namespace = await namespaceWith(allKeywords());
  const worker = startWorker(namespace);
  try {
    await worker.waitForOutput(/worker started/, 60_000);
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  expect(worker.output()).not.toContain('search attributes');
});
