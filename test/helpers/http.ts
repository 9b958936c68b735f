// Drives the app through a real server on port 0, the way clients reach it.
import type Koa from 'koa';
import type { AddressInfo } from 'node:net';
import { settleApp } from '../../src/api/app';
import { createHttpServer } from '../../src/api/http-server';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

export async function listen(app: Koa<any, any>, atPort = 0): Promise<TestServer> {
  const server = createHttpServer(app.callback());
  await new Promise<void>((resolve) => server.listen(atPort, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      // The app's rate limiters report what they owe now, not on a timer after the test ended.
      await settleApp(app);
    },
  };
}

export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
  text: string;
}

export async function request(
  server: TestServer,
  method: string,
  path: string,
  options: { json?: unknown; raw?: string; headers?: Record<string, string>; token?: string } = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.raw;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] ??= 'application/json';
  }
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: parsed, text };
}
