// Connection settings shared by the client (API) and the worker: a local server, or Temporal
// Cloud with an API key or mTLS.
import type { Config } from '../config';

export type TemporalConfig = Config['temporal'];

export function connectionOptions(t: TemporalConfig) {
  const tls = t.tls
    ? { clientCertPair: { crt: Buffer.from(t.tls.cert), key: Buffer.from(t.tls.key) } }
    : t.apiKey
      ? true
      : undefined;
  return {
    address: t.address,
    ...(tls ? { tls } : {}),
    ...(t.apiKey ? { apiKey: t.apiKey, metadata: { 'temporal-namespace': t.namespace } } : {}),
  };
}
