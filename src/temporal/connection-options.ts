// Connection options for the API's client and the worker's native connection, from the settings
// config resolved the way Temporal's own tools do (connection-settings.ts): a local server in
// plaintext, or a TLS one (Temporal Cloud) with an API key, mTLS, or both.
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config';

export type TemporalConfig = Config['temporal'];

export function connectionOptions(t: Pick<TemporalConfig, 'address' | 'namespace' | 'apiKey' | 'tls' | 'grpcMeta'>) {
  const tls: TLSConfig | false = t.tls
    ? {
        ...(t.tls.serverName ? { serverNameOverride: t.tls.serverName } : {}),
        ...(t.tls.serverRootCaCert ? { serverRootCACertificate: Buffer.from(t.tls.serverRootCaCert) } : {}),
        ...(t.tls.clientCert && t.tls.clientKey
          ? { clientCertPair: { crt: Buffer.from(t.tls.clientCert), key: Buffer.from(t.tls.clientKey.reveal()) } }
          : {}),
      }
    : false;
  const metadata: Record<string, string> = {
    ...t.grpcMeta?.reveal(),
    // Temporal Cloud routes an API-key call by this header.
    ...(t.apiKey ? { 'temporal-namespace': t.namespace } : {}),
  };
  return {
    address: t.address,
    // Always explicit: left out, the SDK would turn TLS on for an API key that TEMPORAL_TLS=false turned off.
    tls,
    ...(t.apiKey ? { apiKey: t.apiKey.reveal() } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}
