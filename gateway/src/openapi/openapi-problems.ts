import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { problemResponse } from '@concert/infra';
import { z } from 'zod';
import { responseHeaders, type ResponseHeaderName } from './openapi-headers.js';

/** RFC 9457 problem details as every service answers them (docs/api.md, "Errors"). */
export const problemSchema = problemResponse
  .extend({
    type: z.string().describe('`urn:problem-type:concert:<code>`'),
    code: z.string().describe('Stable: what clients branch on (`detail` is for people and may change).'),
    instance: z.string().optional().describe('RFC 9457: a reference to this occurrence, when one is given.'),
    errors: z
      .array(
        z.object({
          path: z.string().describe('Dotted path into the input, e.g. `seatIds.0`; empty for the input as a whole.'),
          message: z.string(),
        }),
      )
      .optional()
      .describe('On 400 `validation`: the failing fields.'),
  })
  .catchall(z.unknown());

/** Every answer carries these (the CORS ones when CORS_ORIGINS lists the request's Origin). */
export const EVERY_RESPONSE: readonly ResponseHeaderName[] = [
  'X-Request-Id',
  'ETag',
  'Vary',
  'Access-Control-Allow-Origin',
  'Access-Control-Expose-Headers',
];

/**
 * What a route adds to each of its answers: its rate budget's state (RateLimit) or a read's
 * Cache-Control. The shared refusals declare them all, since they serve every such route.
 */
export const ROUTE_HEADERS: readonly ResponseHeaderName[] = ['RateLimit', 'RateLimit-Policy', 'Cache-Control'];

/** A refusal: its status, the `code`s it may carry, and the headers beyond EVERY_RESPONSE. */
export interface ProblemCase {
  status: number;
  codes: readonly string[];
  headers?: readonly ResponseHeaderName[];
}

/**
 * The refusals many operations share, published once under components.responses. An
 * operation whose refusal for a status is exactly one of these refers to it; any other is
 * written out in the operation.
 */
export const SHARED_PROBLEMS = {
  ValidationFailed: { status: 400, codes: ['validation'] },
  Unauthenticated: { status: 401, codes: ['unauthenticated'], headers: ['WWW-Authenticate'] },
  Forbidden: { status: 403, codes: ['forbidden'] },
  PayloadTooLarge: { status: 413, codes: ['payload-too-large'] },
  UnsupportedMediaType: { status: 415, codes: ['unsupported-media-type'] },
  RateLimited: { status: 429, codes: ['rate-limited'], headers: ['Retry-After'] },
  BadGateway: { status: 502, codes: ['bad-gateway'] },
  Unavailable: { status: 503, codes: ['unavailable'], headers: ['Retry-After'] },
  UpstreamTimeout: { status: 504, codes: ['upstream-timeout'] },
} as const satisfies Record<string, ProblemCase>;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** Node's HTTP parser refuses request headers over its limit itself: no body, on any route. */
export const HEADERS_TOO_LARGE = {
  description: 'Request Header Fields Too Large: the request headers exceed the server limit (no body).',
};

/** The plain OpenAPI response object of a refusal. */
export function problemResponseObject(problem: ProblemCase): ResponseConfig {
  return problemResponseWith(problem, [...EVERY_RESPONSE, ...(problem.headers ?? [])]);
}

/** The plain OpenAPI response object of a shared refusal: with every route's headers. */
export function sharedProblemResponseObject(problem: ProblemCase): ResponseConfig {
  return problemResponseWith(problem, [...EVERY_RESPONSE, ...ROUTE_HEADERS, ...(problem.headers ?? [])]);
}

function problemResponseWith(problem: ProblemCase, headers: readonly ResponseHeaderName[]): ResponseConfig {
  const codes = problem.codes.map((code) => `\`${code}\``).join(', ');
  return {
    description: `Problem: ${codes}.`,
    headers: responseHeaders(headers),
    content: { 'application/problem+json': { schema: PROBLEM_REF } },
  };
}

/**
 * A $ref to the shared response when `problem` is one (same status and codes, its headers
 * among those the shared one declares), the response itself otherwise.
 */
export function problemResponseOf(problem: ProblemCase): ResponseConfig | { $ref: string } {
  const codes = [...problem.codes].sort().join();
  for (const [name, shared] of Object.entries(SHARED_PROBLEMS) as [string, ProblemCase][]) {
    const declared = new Set([...ROUTE_HEADERS, ...(shared.headers ?? [])]);
    if (
      shared.status === problem.status &&
      [...shared.codes].sort().join() === codes &&
      (problem.headers ?? []).every((header) => declared.has(header))
    )
      return { $ref: `#/components/responses/${name}` };
  }
  return problemResponseObject(problem);
}
