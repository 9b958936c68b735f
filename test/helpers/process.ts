// A Frontdesk entry point run as its own process, the way a host runs it: `node <built file>`, or
// a TypeScript source the way the stack runs it (scripts/stack/processes.ts: typescriptEntry).
// Output is collected for assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { typescriptEntry } from '../../scripts/stack/processes';

export { freePort } from '../../scripts/stack/ports';

export const ROOT = path.resolve(__dirname, '../..');

export interface RunningProcess {
  child: ChildProcess;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): string;
  /** Resolves once the output matches; throws if the process exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function runEntryPoint(relativePath: string, env: NodeJS.ProcessEnv = {}, argv: string[] = []): RunningProcess {
  const file = path.join(ROOT, relativePath);
  const [command, args] = file.endsWith('.ts') ? typescriptEntry(file, argv) : [process.execPath, [file, ...argv]];
  const child = spawn(command, args, {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`${relativePath} exited early:\n${output}`);
        if (Date.now() > deadline) throw new Error(`${relativePath}: timed out waiting for ${pattern}:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
