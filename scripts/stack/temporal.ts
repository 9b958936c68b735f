// The Temporal dev server (and its Web UI) from the `temporal` CLI, with the project's search
// attributes registered.
import { Connection } from '@temporalio/client';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';
import { kill, start, stop } from './processes';
import { waitFor } from './ports';

export interface LocalTemporal {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: no shutdown, whatever was not yet written to its database is lost. */
  kill(): Promise<void>;
}

export async function startTemporalDevServer(options: {
  cli: string;
  port: number;
  uiPort: number | null;
  dbFile: string | null;
  codecEndpoint?: string;
  quiet: boolean;
}): Promise<LocalTemporal> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    'default',
    '--log-level',
    'error',
  ];
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.uiPort === null) args.push('--headless');
  // No newsfeed: the machines reach no internet, and the UI would try from the browser.
  else args.push('--ui-port', String(options.uiPort), '--ui-ip', '127.0.0.1', '--ui-disable-news-fetch');
  if (options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  for (const { key, cliType } of CUSTOM_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${cliType}`);

  const child = start('temporal', options.cli, args, { quiet: options.quiet });
  let exitedEarly: string | null = null;
  child.once('exit', (code) => (exitedEarly = `temporal server exited with ${code}`));
  const address = `127.0.0.1:${options.port}`;
  await waitFor('Temporal dev server', async () => {
    if (exitedEarly) throw new Error(exitedEarly);
    const connection = await Connection.connect({ address, connectTimeout: '1 second' });
    try {
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return true;
    } finally {
      await connection.close();
    }
  });
  return {
    address,
    uiUrl: options.uiPort === null ? null : `http://127.0.0.1:${options.uiPort}`,
    stop: () => stop(child),
    kill: () => kill(child),
  };
}
