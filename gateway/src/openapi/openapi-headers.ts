/**
 * The headers of the public API (docs/api.md, "Headers") as OpenAPI components: response
 * headers under components.headers, request headers under components.parameters. Operations
 * refer to them by name, so each is described once.
 */

const text = { type: 'string' } as const;

/** components.headers, keyed by the header's name as it is sent. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    description: "The request's id: the client's X-Request-Id when it sent one, generated otherwise.",
    schema: text,
  },
  ETag: {
    description:
      'A weak validator of the body. Send it back as If-None-Match on the same GET: 304 without a body while the answer is unchanged.',
    schema: text,
  },
  'X-Consistency-Token': {
    description:
      'Where the events this command wrote are (`<commit>.<prepare>`). Send it on a later query to read your own write.',
    schema: { type: 'string', pattern: '^\\d+\\.\\d+$' },
  },
  Location: {
    description: 'The path of the resource this request created.',
    schema: text,
  },
  'X-Next-Cursor': {
    description: 'Present when there is a next page: pass it as `cursor` (with the same `limit`).',
    schema: text,
  },
  Link: {
    description: 'The next page, `<path?limit=&cursor=>; rel="next"`, when there is one (RFC 8288).',
    schema: text,
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 0 },
  },
  'Idempotent-Replayed': {
    description:
      'Present (`true`) when this answer is the stored answer to an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
  'WWW-Authenticate': {
    description: 'The bearer challenge (RFC 6750), with the reason when a token was sent.',
    schema: text,
  },
  'Cache-Control': {
    description:
      "Reads: `no-cache` for the catalog (any cache may keep it, revalidated with its ETag on every use), `private, no-cache` for a user's data and the statistics. `no-store` on the development token, /ready and the console snapshot.",
    schema: text,
  },
  RateLimit: {
    description:
      'On a request that spent a rate budget (every POST behind authentication, queue status polls), what is left of each: `"commands-user";r=117;t=42` (r requests left, t seconds until the window ends); r=0 on the 429. Absent while the limits are skipped (Redis unreachable).',
    schema: text,
  },
  'RateLimit-Policy': {
    description:
      'With RateLimit, the budgets the request spent: `"commands-user";q=120;w=60` (q requests per window of w seconds).',
    schema: text,
  },
  Vary: {
    description:
      "`Origin` whenever CORS is on (CORS_ORIGINS), so that a cache never hands one origin's answer to another.",
    schema: text,
  },
  'Access-Control-Allow-Origin': {
    description: "CORS: the request's Origin, echoed when it is one of CORS_ORIGINS (never `*`; no credentials).",
    schema: text,
  },
  'Access-Control-Expose-Headers': {
    description: 'CORS: the response headers a page on an allowed origin may read.',
    schema: text,
  },
} as const;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

/** components.parameters: the request headers, keyed by component name. */
export const REQUEST_HEADERS = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'A unique value per operation, reused on retries (1-255 printable ASCII characters). A repeat of a finished request gets its stored answer with Idempotent-Replayed; one still running gets 409 `idempotency-key-in-use`; the key on another request gets 422 `idempotency-key-reused`.',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' },
  },
  IdempotencyKeyRequired: {
    name: 'Idempotency-Key',
    in: 'header',
    required: true,
    description:
      'Required here (400 `idempotency-key-required` without it): a unique value per operation, reused on retries (1-255 printable ASCII characters).',
    schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7e]+$' },
  },
  QueueToken: {
    name: 'Queue-Token',
    in: 'header',
    required: true,
    description:
      'The `queueToken` of an ADMITTED waiting-room entry for the concert (401 `queue-token-required` / `queue-token-invalid`).',
    schema: { type: 'string', minLength: 1 },
  },
  ConsistencyToken: {
    name: 'X-Consistency-Token',
    in: 'header',
    required: false,
    description:
      "A command's X-Consistency-Token: the query waits (at most CONSISTENCY_WAIT_MS, then 503 `read-model-lagging`) until what it reads includes that write.",
    schema: { type: 'string', pattern: '^\\d+\\.\\d+$' },
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description:
      'The ETag of an earlier answer: 304 without a body while it is unchanged. fetch() adds `Cache-Control: no-cache` to a request carrying it (which asks for a full answer) unless the request sets Cache-Control itself, e.g. `max-age=0`.',
    schema: text,
  },
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description:
      'A correlation id (1-128 letters, digits, `.`, `_`, `-`; another value is replaced by a fresh one), echoed, logged and recorded on the events the request writes.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' },
  },
} as const;

export type RequestHeaderName = keyof typeof REQUEST_HEADERS;

export function headerRef(name: ResponseHeaderName): { $ref: string } {
  return { $ref: `#/components/headers/${name}` };
}

export function parameterRef(name: RequestHeaderName): { $ref: string } {
  return { $ref: `#/components/parameters/${name}` };
}

/** A response's `headers` object: each named header by reference. */
export function responseHeaders(names: readonly ResponseHeaderName[]): Record<string, { $ref: string }> {
  return Object.fromEntries([...new Set(names)].map((name) => [name, headerRef(name)]));
}
