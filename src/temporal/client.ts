// The process's one Temporal client (API side). The worker has its own native connection.
import { Client, Connection } from '@temporalio/client';
import { connectionOptions, type TemporalConfig } from './connection-options';

export async function createTemporalClient(t: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect({ ...connectionOptions(t), connectTimeout: '5 seconds' });
  return new Client({ connection, namespace: t.namespace });
}
