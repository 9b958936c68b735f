// schemathesis, the OpenAPI fuzzer, over the running API as a signed-in owner: for every operation
// it sends generated valid and invalid requests (and some without the token) and checks that none
// answers a 5xx, every status and body is the one the document declares, invalid input is refused
// and valid input accepted. Exceptions live, each with its reason, in test/fuzz/schemathesis.toml.
// Bounded: a fixed seed and a few examples per operation, so a run takes minutes, not hours.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { registerTenant } from '../helpers/auth';
import { startApi, type RunningApi } from '../helpers/api';
import { startTestWorker } from '../helpers/temporal';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLES_PER_OPERATION = process.env.FUZZ_EXAMPLES ?? '20';
let api: RunningApi;
let worker: Awaited<ReturnType<typeof startTestWorker>>;

beforeAll(async () => {
  api = await startApi({
    // The fuzzer sends thousands of requests from one address; limits have tests of their own.
    RATE_LIMIT_IP_POINTS: '1000000',
    RATE_LIMIT_TENANT_POINTS: '1000000',
    TEMPORAL_TASK_QUEUE: `fuzz-${randomUUID()}`,
  });
  // The real worker on the API's queue, so what the fuzzer starts runs (the Calendar ping, emails).
  worker = await startTestWorker(api.config, api.pool, api.config.temporal.taskQueue);
});
afterAll(async () => {
  await worker?.stop();
  await api?.close();
});

it(
  'finds no 5xx, no undocumented status or body, and no invalid input accepted',
  async () => {
    const cli = process.env.SCHEMATHESIS_CLI;
    if (!cli)
      throw new Error(
        'SCHEMATHESIS_CLI is not set: run the tests through npm test (scripts/bootstrap.sh test installs schemathesis)',
      );
    const owner = await registerTenant(api.server);
    const args = [
      '--config-file',
      path.join(ROOT, 'test/fuzz/schemathesis.toml'),
      'run',
      `${api.server.url}/api/openapi.json`,
      '--url',
      api.server.url,
      '--checks',
      'all',
      // 'Created but not found' is off (test/fuzz/schemathesis.toml says why); `--checks all` on the
      // command line outranks the config file's switch, so it is excluded here.
      '--exclude-checks',
      'ensure_resource_availability',
      '--header',
      `Authorization: Bearer ${owner.accessToken}`,
      '--max-examples',
      EXAMPLES_PER_OPERATION,
      '--seed',
      '20261203',
      '--request-timeout',
      '30',
      '--no-color',
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(cli, args, {
        cwd: ROOT,
        env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, output: out }));
    });
    // The whole report, for reading after a failure (the test's own message keeps only the end).
    const report = path.join(ROOT, process.env.DATA_DIR ?? '.data', 'schemathesis-report.txt');
    fs.writeFileSync(report, output);
    if (code !== 0)
      throw new Error(
        `schemathesis found problems (exit ${code}); the whole report is in ${report}:\n${output.slice(-15_000)}`,
      );
    expect(output).toMatch(/passed/i);
  },
  15 * 60_000,
);
