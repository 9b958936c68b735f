// The write benchmarks' load generator, in its own process as the read benchmarks' autocannon is:
// an HTTP client in the API's own process would spend the API's CPU and event loop on the client's
// side of every request, and the baselines (bare Postgres and Temporal calls) have no such share.
//
// Reads one JSON job on stdin ({ url, concurrency, requests: [{ method, path, headers, body }] }),
// sends the requests with `concurrency` in flight over keep-alive connections, and writes
// { latencies, seconds, answers } to stdout: each request's time in ms, the whole batch's wall
// time, and each answer's status and parsed body (the bench needs the ids that were created).
import { spawn } from 'node:child_process';
import http from 'node:http';

export interface PostJob {
  url: string;
  concurrency: number;
  requests: { method: string; path: string; headers: Record<string, string>; body: string }[];
}

export interface PostResult {
  latencies: number[];
  seconds: number;
  answers: { status: number; body: unknown }[];
}

/** One request over the keep-alive agent: its status and its whole body as text. */
function send(
  agent: http.Agent,
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method, headers: options.headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function run(job: PostJob): Promise<PostResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  const answers: PostResult['answers'] = new Array(job.requests.length);
  // Warm the connections, so the first timed requests do not pay for the TCP handshakes.
  await Promise.all(
    Array.from({ length: job.concurrency }, () => send(agent, `${job.url}/api/health/live`, { method: 'GET' })),
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      for (let i = next++; i < job.requests.length; i = next++) {
        const r = job.requests[i]!;
        const t = performance.now();
        const res = await send(agent, job.url + r.path, r);
        latencies.push(performance.now() - t);
        let body: unknown;
        try {
          body = res.text ? JSON.parse(res.text) : undefined;
        } catch {
          body = res.text;
        }
        answers[i] = { status: res.status, body };
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, seconds, answers };
}

/** Runs one job in a child process (this file as its entry) and returns what it measured. */
export function postFromOwnProcess(job: PostJob): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`));
      try {
        resolve(JSON.parse(out) as PostResult);
      } catch (err) {
        reject(err);
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}

if (require.main === module) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => (input += chunk));
  process.stdin.on('end', () => {
    run(JSON.parse(input) as PostJob)
      .then((result) => process.stdout.write(JSON.stringify(result)))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  });
}
