// A project-local PostgreSQL cluster: initdb once, pg_ctl start on a chosen port with its unix
// socket under the data dir, roles and database created. PostgreSQL refuses to run as root, so as
// root every server command runs as the `postgres` user.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { onExit, runSync } from './processes';

const isRoot = process.getuid?.() === 0;
const SERVER_USER = isRoot ? 'postgres' : undefined;

export interface LocalPostgres {
  port: number;
  socketDir: string;
  /** postgres:// URLs for the superuser, the table owner (migrations) and the app role. */
  adminUrl: string;
  ownerUrl: string;
  appUrl: string;
  /** pg_ctl stop: `fast` (the default) rolls back and disconnects clients; `immediate` aborts, as a crash would. */
  stop(mode?: 'fast' | 'immediate'): void;
}

/** As root, the data dir must be reachable by the postgres user; /root is not, for example. */
export function postgresDataDir(preferred: string): string {
  if (!isRoot) return preferred;
  fs.mkdirSync(preferred, { recursive: true });
  try {
    runSync('test', ['-x', path.dirname(preferred)], { user: 'postgres' });
    return preferred;
  } catch {
    const hash = crypto.createHash('sha256').update(path.resolve(preferred)).digest('hex').slice(0, 12);
    return path.join('/var/tmp', `frontdesk-${hash}`, 'pg');
  }
}

export async function startLocalPostgres(options: {
  binDir: string;
  dataDir: string;
  port: number;
  database: string;
  passwords: { superuser: string; owner: string; app: string };
  /** fsync off and friends: for throwaway test clusters only. */
  fast: boolean;
}): Promise<LocalPostgres> {
  const { binDir, dataDir, port } = options;
  const bin = (name: string) => path.join(binDir, name);
  const socketDir = path.join(path.dirname(dataDir), 'pg-socket');
  // The parent must be traversable by the server user; the data dir itself stays private.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(socketDir, { recursive: true, mode: 0o755 });
  if (isRoot) runSync('chown', ['-R', 'postgres:postgres', dataDir, socketDir]);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const pwfile = path.join(socketDir, '.pwfile');
    fs.writeFileSync(pwfile, options.passwords.superuser + '\n', { mode: 0o600 });
    if (isRoot) runSync('chown', ['postgres:postgres', pwfile]);
    runSync(
      bin('initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        `--pwfile=${pwfile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
      ],
      { user: SERVER_USER },
    );
    fs.rmSync(pwfile);
  }

  const serverOptions = [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=200',
    ...(options.fast ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
  ].join(' ');
  runSync(
    bin('pg_ctl'),
    ['-D', dataDir, '-l', path.join(dataDir, 'server.log'), '-o', serverOptions, '-w', '-t', '60', 'start'],
    {
      user: SERVER_USER,
    },
  );
  let stopped = false;
  const stop = (mode: 'fast' | 'immediate' = 'fast') => {
    if (stopped) return;
    stopped = true;
    try {
      runSync(bin('pg_ctl'), ['-D', dataDir, '-m', mode, '-w', 'stop'], { user: SERVER_USER });
    } catch {
      /* already stopped */
    }
  };
  onExit(() => stop());

  // Roles and database, idempotently, through the unix socket as the superuser.
  const admin = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    const ensureRole = async (name: string, password: string) => {
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
      const verb = exists.rowCount ? 'ALTER' : 'CREATE';
      await admin.query(`${verb} ROLE ${name} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
    };
    await ensureRole('frontdesk_owner', options.passwords.owner);
    await ensureRole('frontdesk_app', options.passwords.app);
    const db = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (!db.rowCount) await admin.query(`CREATE DATABASE ${options.database} OWNER frontdesk_owner`);
  } finally {
    await admin.end();
  }

  const url = (user: string, password: string) =>
    `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${options.database}`;
  return {
    port,
    socketDir,
    adminUrl: url('postgres', options.passwords.superuser),
    ownerUrl: url('frontdesk_owner', options.passwords.owner),
    appUrl: url('frontdesk_app', options.passwords.app),
    stop,
  };
}
