// Where scripts/bootstrap.sh found the binaries ($DATA_DIR/tools.env): PostgreSQL's bin dir, the
// temporal CLI, the time-skipping test server. Read by the stack, and by tests that start a
// server of their own (the chaos tests).
import fs from 'node:fs';
import path from 'node:path';

export function readToolsEnv(dataDir: string): Record<string, string> {
  const file = path.join(dataDir, 'tools.env');
  const tools: Record<string, string> = {};
  if (!fs.existsSync(file)) return tools;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m?.[1] && m[2]) tools[m[1]] = m[2];
  }
  return tools;
}
