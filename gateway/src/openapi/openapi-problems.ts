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

/** Every answer carries these. */
export const EVERY_RESPONSE: readonly ResponseHeaderName[] = ['X-Request-Id', 'ETag'];

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
  const codes = problem.codes.map((code) => `\`${code}\``).join(', ');
  return {
    description: `Problem: ${codes}.`,
    headers: responseHeaders([...EVERY_RESPONSE, ...(problem.headers ?? [])]),
    content: { 'application/problem+json': { schema: PROBLEM_REF } },
  };
}

/** A $ref to the shared response when `problem` is one, the response itself otherwise. */
export function problemResponseOf(problem: ProblemCase): ResponseConfig | { $ref: string } {
  const key = JSON.stringify(normalised(problem));
  for (const [name, shared] of Object.entries(SHARED_PROBLEMS)) {
    if (JSON.stringify(normalised(shared)) === key) return { $ref: `#/components/responses/${name}` };
  }
  return problemResponseObject(problem);
}

function normalised(problem: ProblemCase): ProblemCase {
  return {
    status: problem.status,
    codes: [...problem.codes].sort(),
    headers: [...new Set(problem.headers ?? [])].sort(),
  };
}
