// Child processes of the stack: started with their output prefixed, and all stopped when the
// stack exits, however it exits.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

const children = new Set<ChildProcess>();
const cleanups: (() => void)[] = [];

export function onExit(fn: () => void): void {
  cleanups.push(fn);
}

/**
 * How to run a TypeScript entry point as one node process. Not the `tsx` CLI: it runs the script in
 * a child and relays signals with a 30 ms handshake, and on a loaded machine a late handshake makes
 * it send the signal twice and then SIGKILL, cutting a graceful drain short.
 */
export function typescriptEntry(script: string, args: string[] = []): [string, string[]] {
  return [process.execPath, ['--import', 'tsx', script, ...args]];
}

export function start(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { quiet?: boolean } = {},
): ChildProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  const prefix = `[${name}] `;
  const forward = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    if (options.quiet) return;
    for (const line of chunk.toString().split('\n')) if (line.trim()) stream.write(prefix + line + '\n');
  };
  child.stdout?.on('data', forward(process.stdout));
  child.stderr?.on('data', forward(process.stderr));
  child.on('exit', () => children.delete(child));
  return child;
}

/** Sends SIGTERM to a child's process group and waits for it to exit (SIGKILL after graceMs). */
export async function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** SIGKILL to a child's process group, and waits for it to exit. */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    return;
  }
  await exited;
}

export function runSync(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; user?: string } = {},
): string {
  const [cmd, argv] =
    options.user && process.getuid?.() === 0
      ? ['runuser', ['-u', options.user, '--', command, ...args]]
      : [command, args];
  const result = spawnSync(cmd, argv, { env: options.env ?? process.env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

function killAll(): void {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      /* best effort on the way out */
    }
  }
  for (const child of children) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
process.on('exit', killAll);
