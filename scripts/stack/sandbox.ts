// The provider sandbox as a child of the stack: started before the API (dev) or jest (test),
// told where the API listens and which secrets to sign its webhooks with, and waited for until
// it answers. Its URL reaches everything else as SANDBOX_URL.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { start, typescriptEntry } from './processes';

export async function startSandboxProcess(options: {
  root: string;
  env: NodeJS.ProcessEnv;
  port: number;
  apiPort: number;
  quiet: boolean;
}): Promise<{ url: string; child: ChildProcess }> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = start('sandbox', ...typescriptEntry(path.join(options.root, 'src/sandbox/main.ts')), {
    cwd: options.root,
    quiet: options.quiet,
    env: {
      ...options.env,
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_PORT: String(options.port),
      // Webhooks go straight to the local API; Twilio still signs against PUBLIC_BASE_URL.
      SANDBOX_API_URL: `http://127.0.0.1:${options.apiPort}`,
    },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the sandbox exited (${child.exitCode ?? child.signalCode}) before answering; is port ${options.port} taken?`,
      );
    }
    if (await answers(url)) break;
    if (Date.now() > deadline) throw new Error('the sandbox did not answer within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/_sandbox/health`, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}
