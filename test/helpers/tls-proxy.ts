// A TLS front for the test dev server (which speaks only plaintext), the way Temporal Cloud or a
// self-hosted server behind TLS looks to a client: a certificate from a CA of the test's own, a
// host name other than the address, and, when asked, a client certificate required (mTLS). The
// decrypted HTTP/2 bytes go on unchanged to the dev server. Certificates are made by openssl in a
// temporary directory for each run; nothing is committed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type net from 'node:net';
import { connect as netConnect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

export interface TestPki {
  dir: string;
  serverName: string;
  caCertPath: string;
  clientCertPath: string;
  clientKeyPath: string;
  serverCert: string;
  serverKey: string;
  caCert: string;
  remove(): void;
}

/** A CA, a server certificate for `serverName` and a client certificate, all signed by the CA. */
export function makeTestPki(serverName = 'temporal.frontdesk.test'): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontdesk-pki-'));
  const p = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const key = (name: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(name));
  key('ca.key');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    p('ca.key'),
    '-subj',
    '/CN=Frontdesk test CA',
    '-days',
    '2',
    '-out',
    p('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const leaf = (name: string, subject: string, ext: string) => {
    key(`${name}.key`);
    openssl('req', '-new', '-key', p(`${name}.key`), '-subj', subject, '-out', p(`${name}.csr`));
    fs.writeFileSync(p(`${name}.ext`), ext);
    openssl(
      'x509',
      '-req',
      '-in',
      p(`${name}.csr`),
      '-CA',
      p('ca.pem'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      p(`${name}.ext`),
      '-out',
      p(`${name}.pem`),
    );
  };
  leaf(
    'server',
    `/CN=${serverName}`,
    `subjectAltName=DNS:${serverName}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  leaf('client', '/CN=frontdesk-worker', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  return {
    dir,
    serverName,
    caCertPath: p('ca.pem'),
    clientCertPath: p('client.pem'),
    clientKeyPath: p('client.key'),
    serverCert: fs.readFileSync(p('server.pem'), 'utf8'),
    serverKey: fs.readFileSync(p('server.key'), 'utf8'),
    caCert: fs.readFileSync(p('ca.pem'), 'utf8'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsProxy {
  address: string;
  close(): Promise<void>;
}

/** Listens on loopback with TLS (a client certificate from the PKI's CA required) and forwards to `target`. */
export async function startTlsProxy(pki: TestPki, target: { host: string; port: number }): Promise<TlsProxy> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      cert: pki.serverCert,
      key: pki.serverKey,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: true,
      // gRPC clients insist on HTTP/2 being agreed in the handshake.
      ALPNProtocols: ['h2'],
    },
    (client) => {
      const upstream = netConnect(target.port, target.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    },
  );
  server.on('tlsClientError', () => undefined); // a client without a certificate is turned away; not a test failure
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
