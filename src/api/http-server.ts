// The HTTP server the API listens with. Node answers some broken requests itself, before Koa
// sees them (a duplicate Content-Length, an unparsable request line, headers past the 16 KiB
// limit), with an empty body; here those get the same problem+json as every other error.
import { randomUUID } from 'node:crypto';
import http, { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Problem } from './problem';

export function createHttpServer(listener: http.RequestListener): http.Server {
  const server = http.createServer(listener);
  server.keepAliveTimeout = 65_000; // longer than typical proxy idle timeouts
  server.on('clientError', answerClientError);
  return server;
}

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A peer that went away, or a socket already answered, gets nothing more.
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const requestId = randomUUID();
  const problem: Problem = {
    type: `urn:frontdesk:problem:${tooLarge ? 'headers-too-large' : 'bad-request'}`,
    title: STATUS_CODES[status] ?? 'Bad Request',
    status,
    detail: tooLarge ? 'The request headers are larger than the server accepts' : 'The request is not valid HTTP/1.1',
    requestId,
  };
  const body = JSON.stringify(problem);
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'Content-Type: application/problem+json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${requestId}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
