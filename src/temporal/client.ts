// The process's one Temporal client (API side). The worker has its own native connection.
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { connectionOptions } from './connection-options';
import { countWorkflowStarts } from './count-workflow-starts';
import { createDataConverter } from './data-converter';

export async function createTemporalClient(config: {
  temporal: Pick<Config['temporal'], 'address' | 'namespace' | 'apiKey' | 'tls' | 'grpcMeta'>;
  encryptionKey: string;
  previousEncryptionKeys: readonly string[];
}): Promise<Client> {
  const t = config.temporal;
  const connection = await Connection.connect({ ...connectionOptions(t), connectTimeout: '5 seconds' });
  return new Client({
    connection,
    namespace: t.namespace,
    dataConverter: createDataConverter(config),
    interceptors: { workflow: [countWorkflowStarts()] },
  });
}
