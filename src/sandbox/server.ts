// The provider sandbox: one HTTP server answering the part of each provider's REST API that
// src/providers uses, in each provider's wire format, so the official SDKs talk to it unchanged.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Context, type Next } from 'koa';
import { ZodError } from 'zod';
import '../zod-messages';
import type { Sandbox } from './context';
import { CalendarStore } from './calendar-store';
import { controlRoutes } from './control';
import { FaultQueue, type FaultProvider } from './faults';
import { GoogleDirectory } from './gmail-mailbox';
import { OidcSigner, SignInGrants } from './oidc';
import { type SandboxOptions, sandboxOptions } from './options';
import { faultResponse } from './provider-errors';
import { anthropicRoutes } from './providers/anthropic';
import { openaiRoutes } from './providers/openai';
import { calendarControlRoutes, calendarRoutes } from './providers/calendar';
import { gmailControlRoutes, gmailRoutes } from './providers/gmail';
import { googleOAuthRoutes } from './providers/google-oauth';
import { oidcIssuerRoutes } from './providers/oidc-issuers';
import { StripeStore, stripeControlRoutes, stripeRoutes } from './providers/stripe';
import { TwilioStore, twilioControlRoutes, twilioRoutes } from './providers/twilio';
import { Records } from './records';

export interface RunningSandbox {
  url: string;
  sandbox: Sandbox;
  close(): Promise<void>;
}

/** Which provider a request is for, by the path its SDK uses; null for control routes. */
export function providerOf(path: string): FaultProvider | null {
  if (path.startsWith('/gmail/') || path.startsWith('/upload/gmail/')) return 'gmail';
  if (path.startsWith('/calendar/')) return 'calendar';
  if (path === '/token') return 'google-oauth';
  if (path.startsWith('/v1/')) return 'stripe';
  if (path.startsWith('/2010-04-01/')) return 'twilio';
  if (path.startsWith('/anthropic/')) return 'anthropic';
  if (path.startsWith('/openai/')) return 'openai';
  return null;
}

export async function startSandbox(
  given: Partial<SandboxOptions> & Pick<SandboxOptions, 'apiUrl'>,
): Promise<RunningSandbox> {
  const options = sandboxOptions(given);
  const sb: Sandbox = {
    options,
    baseUrl: '',
    records: new Records(),
    faults: new FaultQueue(),
    oidc: await OidcSigner.create(),
    signIns: new SignInGrants(),
    google: new GoogleDirectory(),
    calendar: new CalendarStore(),
    stripe: new StripeStore(),
    twilio: new TwilioStore(),
  };

  const app = new Koa();
  app.use(problems);
  app.use((ctx, next) => recordAndInjectFaults(sb, ctx, next));
  for (const router of [
    controlRoutes(sb),
    gmailControlRoutes(sb),
    calendarControlRoutes(sb),
    stripeControlRoutes(sb),
    twilioControlRoutes(sb),
    googleOAuthRoutes(sb),
    oidcIssuerRoutes(sb),
    gmailRoutes(sb),
    calendarRoutes(sb),
    stripeRoutes(sb),
    twilioRoutes(sb),
    anthropicRoutes(sb),
    openaiRoutes(sb),
  ]) {
    app.use(router.routes()).use(router.allowedMethods());
  }

  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  sb.baseUrl = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  return {
    url: sb.baseUrl,
    sandbox: sb,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bad control input → 400 naming the field; anything unexpected → 500 with the message. */
async function problems(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (err instanceof ZodError) {
      ctx.status = 400;
      ctx.body = {
        error: 'invalid request',
        errors: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      };
      return;
    }
    const status = (err as { status?: unknown }).status;
    ctx.status = typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
    ctx.body = { error: err instanceof Error ? err.message : String(err) };
  }
}

async function recordAndInjectFaults(sb: Sandbox, ctx: Context, next: Next): Promise<void> {
  const provider = providerOf(ctx.path);
  if (!provider) return next();
  const fault = sb.faults.take(provider);
  if (fault) {
    // Logged on arrival, so a test can see that a call it made hang is now hanging.
    sb.records.request({ provider, method: ctx.method, path: ctx.path, status: fault.status, fault: true });
    if (fault.after) await next();
    if (fault.delayMs) await pause(sb, ctx, fault.delayMs);
    sb.options.log(`${ctx.method} ${ctx.path} → injected ${fault.status || 'hang'}`);
    if (fault.status === 0) {
      // No answer: the client sees its own timeout, or a reset once the hang ends.
      ctx.req.socket.destroy();
      ctx.respond = false;
      return;
    }
    const response = faultResponse(provider, fault.status);
    for (const [name, value] of Object.entries({ ...response.headers, ...(fault.headers ?? {}) })) {
      if (value === null) ctx.remove(name);
      else ctx.set(name, value);
    }
    ctx.status = fault.status;
    ctx.body = fault.body === undefined ? response.body : fault.body;
    return;
  }
  await next();
  sb.records.request({ provider, method: ctx.method, path: ctx.path, status: ctx.status, fault: false });
  sb.options.log(`${ctx.method} ${ctx.path} → ${ctx.status}`);
}

/**
 * Waits, but no longer than the client does (a client that gave up ends the wait), and no longer
 * than until a test releases the hangs (POST /_sandbox/faults/release).
 */
function pause(sb: Sandbox, ctx: Context, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = ctx.req.socket;
    const done = () => {
      clearTimeout(timer);
      socket.off('close', done);
      forget();
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.once('close', done);
    const forget = sb.faults.onRelease(done);
  });
}
