// Each provider's error body for a status, in its own wire format, so the official SDKs raise the
// same error classes they raise against the real service. Used for injected faults.
import { randomBytes } from 'node:crypto';
import type { FaultProvider } from './faults';

export interface ErrorResponse {
  body: unknown;
  headers: Record<string, string>;
}

const GOOGLE_STATUS: Record<number, [string, string]> = {
  400: ['INVALID_ARGUMENT', 'badRequest'],
  401: ['UNAUTHENTICATED', 'authError'],
  403: ['PERMISSION_DENIED', 'forbidden'],
  404: ['NOT_FOUND', 'notFound'],
  409: ['ALREADY_EXISTS', 'duplicate'],
  429: ['RESOURCE_EXHAUSTED', 'rateLimitExceeded'],
  500: ['INTERNAL', 'backendError'],
  503: ['UNAVAILABLE', 'backendError'],
};

export function googleError(status: number, message: string, reason?: string): unknown {
  const [grpc, defaultReason] = GOOGLE_STATUS[status] ?? ['UNKNOWN', 'unknown'];
  return {
    error: {
      code: status,
      message,
      errors: [{ message, domain: 'global', reason: reason ?? defaultReason }],
      status: grpc,
    },
  };
}

const STRIPE_TYPE: Record<number, string> = { 402: 'card_error', 429: 'invalid_request_error' };

export function stripeError(status: number, message: string, extra: Record<string, unknown> = {}): unknown {
  const type = status >= 500 ? 'api_error' : (STRIPE_TYPE[status] ?? 'invalid_request_error');
  return { error: { type, message, ...(status === 429 ? { code: 'rate_limit' } : {}), ...extra } };
}

export function twilioError(status: number, code: number, message: string): unknown {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

const ANTHROPIC_TYPE: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function anthropicError(status: number, message: string): unknown {
  return {
    type: 'error',
    error: { type: ANTHROPIC_TYPE[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
    request_id: `req_${randomBytes(12).toString('hex')}`,
  };
}

const TWILIO_CODE_BY_STATUS: Record<number, number> = { 400: 21211, 401: 20003, 404: 20404, 429: 20429 };

/** The default body and headers of an injected fault. */
export function faultResponse(provider: FaultProvider, status: number): ErrorResponse {
  const headers: Record<string, string> = status === 429 ? { 'retry-after': '1' } : {};
  const message = `Injected fault: HTTP ${status}`;
  switch (provider) {
    case 'gmail':
    case 'calendar':
      return { body: googleError(status, message), headers };
    case 'google-oauth':
      return {
        body: { error: status >= 500 ? 'server_error' : 'invalid_request', error_description: message },
        headers,
      };
    case 'stripe':
      return {
        body: stripeError(status, message),
        headers: { ...headers, 'request-id': `req_${randomBytes(7).toString('hex')}` },
      };
    case 'twilio':
      return { body: twilioError(status, TWILIO_CODE_BY_STATUS[status] ?? 20500, message), headers };
    case 'anthropic':
      return { body: anthropicError(status, message), headers };
    case 'openai':
      return { body: openaiError(status, message), headers };
  }
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function openaiError(
  status: number,
  message: string,
): { error: { message: string; type: string; param: null; code: string | null } } {
  const type =
    status === 401
      ? 'invalid_request_error'
      : status === 429
        ? 'rate_limit_exceeded'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error';
  return { error: { message, type, param: null, code: status === 401 ? 'invalid_api_key' : null } };
}
