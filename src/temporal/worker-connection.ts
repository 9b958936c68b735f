import { NativeConnection } from '@temporalio/worker';
import { connectionOptions, type TemporalConfig } from './connection-options';

export async function createWorkerConnection(t: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(t));
}
