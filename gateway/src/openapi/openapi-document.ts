import {
  extendZodWithOpenApi,
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import {
  addScheduleBody,
  cancelReservationBody,
  chargeWalletBody,
  concertCreatedResponse,
  concertIdParams,
  concertView,
  createConcertBody,
  devTokenBody,
  devTokenResponse,
  holdSeatsBody,
  listSchedulesQuery,
  notificationView,
  payBody,
  paymentIdParams,
  paymentView,
  queueEntryBody,
  queueEntryIdParams,
  queueEntryView,
  reservationCancelledResponse,
  reservationHeldResponse,
  reservationIdParams,
  reservationView,
  scheduleAddedResponse,
  scheduleIdParams,
  scheduleView,
  seatView,
  statsRangeQuery,
  statsView,
  walletBalance,
} from '@concert/infra';
import { z } from 'zod';
import { DEFAULT_REQUIRED_PATHS } from '../idempotency/idempotency-middleware.js';
import { PUBLIC_ROUTES, type PublicRoute } from '../routing/public-routes.js';
import {
  parameterRef,
  REQUEST_HEADERS,
  RESPONSE_HEADERS,
  responseHeaders,
  type RequestHeaderName,
  type ResponseHeaderName,
} from './openapi-headers.js';
import {
  EVERY_RESPONSE,
  HEADERS_TOO_LARGE,
  problemResponseOf,
  problemSchema,
  ROUTE_HEADERS,
  SHARED_PROBLEMS,
  sharedProblemResponseObject,
  type ProblemCase,
} from './openapi-problems.js';

// `registry.register(name, schema)` names a schema through the `.openapi()` this adds to zod.
extendZodWithOpenApi(z);

export interface OpenApiOptions {
  walletMaxCharge: number;
  devLogin: boolean;
}

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  request?: RouteConfig['request'];
  success: {
    status: number;
    description: string;
    schema?: z.ZodType;
    /** Beyond EVERY_RESPONSE and what the route's kind adds. */
    headers?: readonly ResponseHeaderName[];
  };
  /** Refusals of this operation (status -> codes), on top of those its route's kind gives. */
  problems?: Readonly<Record<number, readonly string[]>>;
  /** Headers some of its refusals carry (status -> names), e.g. the token of a failed payment. */
  problemHeaders?: Readonly<Record<number, readonly ResponseHeaderName[]>>;
  /** A list of `?limit=&cursor=` pages (X-Next-Cursor, Link). */
  paginated?: boolean;
  /** Needs an ADMITTED waiting-room entry's token (Queue-Token). */
  queueToken?: boolean;
}

/** The named schemas of components.schemas, registered once and referred to by name. */
function namedSchemas(registry: OpenAPIRegistry, walletMaxCharge: number) {
  // A clone: a schema made before extendZodWithOpenApi ran (infra's) has no `.openapi` of its own.
  const named = <T extends z.ZodType>(name: string, schema: T): T => registry.register(name, schema.clone() as T);
  return {
    Problem: named('Problem', problemSchema),
    Concert: named('Concert', concertView),
    ConcertCreated: named('ConcertCreated', concertCreatedResponse),
    CreateConcertRequest: named('CreateConcertRequest', createConcertBody),
    Schedule: named('Schedule', scheduleView),
    ScheduleAdded: named('ScheduleAdded', scheduleAddedResponse),
    AddScheduleRequest: named('AddScheduleRequest', addScheduleBody),
    Seat: named('Seat', seatView),
    QueueEntry: named('QueueEntry', queueEntryView),
    QueueEntryRequest: named('QueueEntryRequest', queueEntryBody),
    HoldSeatsRequest: named('HoldSeatsRequest', holdSeatsBody),
    ReservationHeld: named('ReservationHeld', reservationHeldResponse),
    CancelReservationRequest: named('CancelReservationRequest', cancelReservationBody),
    ReservationCancelled: named('ReservationCancelled', reservationCancelledResponse),
    Reservation: named('Reservation', reservationView),
    ChargeWalletRequest: named('ChargeWalletRequest', chargeWalletBody(walletMaxCharge)),
    WalletBalance: named('WalletBalance', walletBalance),
    PayRequest: named('PayRequest', payBody),
    Payment: named('Payment', paymentView),
    Notification: named('Notification', notificationView),
    Stats: named('Stats', statsView),
    DevTokenRequest: named('DevTokenRequest', devTokenBody),
    DevToken: named('DevToken', devTokenResponse),
    Health: named('Health', z.object({ status: z.string() })),
  };
}

type Schemas = ReturnType<typeof namedSchemas>;

/** `?limit=&cursor=` of the paginated lists (query-api's page-query). */
const pageQuery = z.object({
  limit: z.number().int().min(1).max(100).default(20).describe('Items per page.'),
  cursor: z.string().optional().describe('The X-Next-Cursor of the previous page.'),
});

/** The operations of the public routes, keyed `METHOD path` as in PUBLIC_ROUTES. */
function operations(s: Schemas): Record<string, Operation> {
  return {
    'POST /admin/concerts': {
      operationId: 'createConcert',
      summary: 'Create a concert (admin)',
      request: { body: json(s.CreateConcertRequest) },
      success: { status: 201, description: 'Created; Location: its dates.', schema: s.ConcertCreated },
    },
    'POST /admin/concerts/:concertId/schedules': {
      operationId: 'addSchedule',
      summary: 'Add a date with its seat map (admin)',
      request: { params: concertIdParams, body: json(s.AddScheduleRequest) },
      success: { status: 201, description: 'Added; Location: its seat map.', schema: s.ScheduleAdded },
      problems: { 404: ['concert-not-found'] },
    },
    'GET /concerts': {
      operationId: 'listConcerts',
      summary: 'List concerts',
      request: { query: pageQuery },
      success: { status: 200, description: 'A page of concerts.', schema: z.array(s.Concert) },
      paginated: true,
    },
    'GET /concerts/:concertId/schedules': {
      operationId: 'listSchedules',
      summary: 'List the dates of a concert (only dates with seats left unless all=true)',
      request: { params: concertIdParams, query: listSchedulesQuery },
      success: { status: 200, description: 'Its dates.', schema: z.array(s.Schedule) },
      problems: { 404: ['concert-not-found'] },
    },
    'GET /schedules/:scheduleId/seats': {
      operationId: 'listSeats',
      summary: 'Seats of a date and their status',
      request: { params: scheduleIdParams },
      success: { status: 200, description: 'Its seats.', schema: z.array(s.Seat) },
      problems: { 404: ['schedule-not-found'] },
    },
    'POST /queue/entries': {
      operationId: 'enterQueue',
      summary: 'Enter the waiting room of a concert',
      description:
        'The same user and concert get the same entry while it is WAITING or ADMITTED; once it is EXPIRED or COMPLETED, a new entry at the back of the line.',
      request: { body: json(s.QueueEntryRequest) },
      success: {
        status: 202,
        description: 'The entry; while it is WAITING, Retry-After says when to poll its status.',
        schema: s.QueueEntry,
        headers: ['Retry-After'],
      },
      problems: { 404: ['concert-not-found'] },
    },
    'GET /queue/entries/:entryId': {
      operationId: 'getQueueEntry',
      summary: 'Status of a waiting-room entry; its queueToken once ADMITTED',
      description: 'Polling has its own rate budget (RATE_LIMIT_POLLS_PER_MINUTE).',
      request: { params: queueEntryIdParams },
      success: {
        status: 200,
        description:
          'The entry; while it is WAITING, Retry-After says when to poll again (half the estimated wait, 1 to 30 s).',
        schema: s.QueueEntry,
        headers: ['Retry-After'],
      },
      problems: { 403: ['forbidden'], 404: ['entry-not-found'] },
    },
    'POST /queue/entries/:entryId/leave': {
      operationId: 'leaveQueue',
      summary: 'Leave the waiting room (owner)',
      description:
        "Ends the entry: an ADMITTED fan's slot goes to the next in line at once, a WAITING fan gives up their place. The entry is then COMPLETED; entering again starts at the back. Leaving an entry that is already over changes nothing.",
      request: { params: queueEntryIdParams },
      success: { status: 200, description: 'The entry, now over.', schema: s.QueueEntry },
      problems: { 403: ['forbidden'], 404: ['entry-not-found'] },
    },
    'POST /reservations': {
      operationId: 'holdSeats',
      summary: 'Hold 1 to 4 seats',
      request: { body: json(s.HoldSeatsRequest) },
      success: { status: 201, description: 'Held.', schema: s.ReservationHeld },
      problems: { 404: ['schedule-not-found', 'seat-not-found'], 409: ['seat-unavailable'] },
      queueToken: true,
    },
    'POST /reservations/:reservationId/cancel': {
      operationId: 'cancelReservation',
      summary: 'Cancel a held reservation (owner)',
      request: {
        params: reservationIdParams,
        body: { ...json(s.CancelReservationRequest), required: false },
      },
      success: { status: 200, description: 'Cancelled.', schema: s.ReservationCancelled },
      problems: { 403: ['forbidden'], 404: ['reservation-not-found'], 409: ['reservation-not-held'] },
    },
    'GET /reservations/:reservationId': {
      operationId: 'getReservation',
      summary: 'A reservation (owner)',
      request: { params: reservationIdParams },
      success: { status: 200, description: 'The reservation.', schema: s.Reservation },
      problems: { 403: ['forbidden'], 404: ['reservation-not-found'] },
    },
    'GET /me/reservations': {
      operationId: 'listMyReservations',
      summary: "The caller's reservations, newest first",
      request: { query: pageQuery },
      success: { status: 200, description: 'A page of reservations.', schema: z.array(s.Reservation) },
      paginated: true,
    },
    'POST /wallet/charges': {
      operationId: 'chargeWallet',
      summary: "Charge the caller's wallet",
      request: { body: json(s.ChargeWalletRequest) },
      success: { status: 201, description: 'The new balance; Location: the wallet.', schema: s.WalletBalance },
    },
    'GET /me/wallet': {
      operationId: 'getMyWallet',
      summary: "The caller's balance",
      success: { status: 200, description: 'The balance.', schema: s.WalletBalance },
    },
    'POST /payments': {
      operationId: 'pay',
      summary: 'Pay a held reservation from the wallet (owner)',
      description:
        'A refused payment is recorded: its 409/422 carries `paymentId` and `reservationId`, and an X-Consistency-Token.',
      request: { body: json(s.PayRequest) },
      success: { status: 201, description: 'Paid.', schema: s.Payment },
      problems: {
        403: ['forbidden'],
        404: ['reservation-not-found'],
        409: ['reservation-not-held', 'reservation-expired', 'payment-in-progress', 'already-paid'],
        422: ['insufficient-funds'],
      },
      problemHeaders: { 409: ['X-Consistency-Token'], 422: ['X-Consistency-Token'] },
      queueToken: true,
    },
    'GET /payments/:paymentId': {
      operationId: 'getPayment',
      summary: 'A payment (owner)',
      request: { params: paymentIdParams },
      success: { status: 200, description: 'The payment.', schema: s.Payment },
      problems: { 403: ['forbidden'], 404: ['payment-not-found'] },
    },
    'GET /me/notifications': {
      operationId: 'listMyNotifications',
      summary: "The caller's notifications, newest first (when no webhook is configured)",
      request: { query: pageQuery },
      success: { status: 200, description: 'A page of notifications.', schema: z.array(s.Notification) },
      paginated: true,
    },
    'GET /admin/stats/concerts/:concertId': {
      operationId: 'getConcertStats',
      summary: 'Per-minute statistics of a concert over its schedules (admin)',
      request: { params: concertIdParams, query: statsRangeQuery },
      success: { status: 200, description: 'Minutes and totals.', schema: s.Stats },
      problems: { 404: ['concert-not-found'] },
    },
    'GET /admin/stats/schedules/:scheduleId': {
      operationId: 'getScheduleStats',
      summary: 'Per-minute statistics of a schedule (admin)',
      request: { params: scheduleIdParams, query: statsRangeQuery },
      success: { status: 200, description: 'Minutes and totals.', schema: s.Stats },
      problems: { 404: ['schedule-not-found'] },
    },
    'GET /admin/console/snapshot': {
      operationId: 'getConsoleSnapshot',
      summary: "The ops console's live data (admin)",
      description:
        "Waiting rooms, seats and sales per schedule, rates and p99 by route, projection lag, relay, expiry and process health, aggregated from every process's /ready and /metrics (docs/api.md).",
      success: {
        status: 200,
        description: 'One snapshot.',
        schema: z.object({ at: z.string() }).catchall(z.unknown()),
        headers: ['Cache-Control'],
      },
    },
    'POST /admin/console/parked/:id/retry': {
      operationId: 'retryParkedEvent',
      summary: 'Apply a parked projection event again (admin)',
      request: { params: z.object({ id: z.string().regex(/^\d+$/) }) },
      success: {
        status: 200,
        description: 'What became of it.',
        schema: z.object({
          id: z.string(),
          projection: z.string(),
          outcome: z.enum(['applied', 'failed']),
          error: z.string().optional(),
        }),
      },
      problems: { 404: ['not-found'], 503: ['unavailable'] },
    },
  };
}

/**
 * The OpenAPI 3.1 document of the public API, generated from the zod schemas in
 * @concert/infra's api-contract that the services validate requests with, and from what each
 * stage of the gateway adds (docs/api.md, "Headers" and "Errors"). Every route of the
 * allow-list must have an operation here (checked at start-up).
 */
export function openApiDocument(options: OpenApiOptions): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const [name, header] of Object.entries(RESPONSE_HEADERS)) registerPlain(registry, 'headers', name, header);
  for (const [name, parameter] of Object.entries(REQUEST_HEADERS))
    registerPlain(registry, 'parameters', name, parameter);
  for (const [name, problem] of Object.entries(SHARED_PROBLEMS))
    registerPlain(registry, 'responses', name, sharedProblemResponseObject(problem));
  registerPlain(registry, 'responses', 'HeadersTooLarge', HEADERS_TOO_LARGE);
  registerPlain(registry, 'responses', 'NotModified', {
    description: 'Not Modified: the If-None-Match ETag still matches.',
    headers: responseHeaders([...EVERY_RESPONSE, ...ROUTE_HEADERS]),
  });
  const schemas = namedSchemas(registry, options.walletMaxCharge);
  const byRoute = operations(schemas);
  for (const route of PUBLIC_ROUTES) {
    const operation = byRoute[`${route.method} ${route.path}`];
    if (operation === undefined) throw new Error(`openapi: no operation for ${route.method} ${route.path}`);
    registry.registerPath(routeConfig(route, operation));
  }
  for (const config of ownRoutes(schemas, options)) registry.registerPath(config);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Concert reservations',
      version: '1.0.0',
      description: [
        'The public API, served by the gateway (docs/api.md). Every error is application/problem+json with a stable `code`.',
        'Besides the operations listed: a known path asked with another method is 405 `method-not-allowed` with `Allow`;',
        '`OPTIONS` on a known path answers 204 with `Allow` (and, for an origin of CORS_ORIGINS, the preflight',
        'Access-Control-Allow-Methods/-Headers/-Max-Age), without a token; `HEAD` is answered wherever `GET` is.',
      ].join(' '),
      license: { name: 'Proprietary', url: 'https://example.invalid/license' },
    },
    servers: [{ url: '/', description: 'The gateway that served this document.' }],
    security: [{ bearer: [] }],
  });
}

/** The routes the gateway answers before authentication: the development login, probes, this document. */
function ownRoutes(s: Schemas, options: OpenApiOptions): RouteConfig[] {
  const routes: RouteConfig[] = [];
  const get = (
    path: string,
    operationId: string,
    summary: string,
    ok: RouteConfig['responses'],
    refusals: readonly ProblemCase[] = [],
  ): RouteConfig => ({
    method: 'get',
    path,
    operationId,
    summary,
    security: [],
    parameters: [parameterRef('RequestId'), parameterRef('IfNoneMatch')],
    responses: {
      ...ok,
      304: { $ref: '#/components/responses/NotModified' },
      431: { $ref: '#/components/responses/HeadersTooLarge' },
      ...problems(refusals),
    },
  });
  if (options.devLogin) {
    routes.push({
      method: 'post',
      path: '/auth/token',
      operationId: 'mintDevToken',
      summary: 'Mint a token (development login; 404 when AUTH_DEV_LOGIN is off)',
      security: [],
      parameters: [parameterRef('RequestId')],
      request: { body: json(s.DevTokenRequest) },
      responses: {
        200: {
          description: 'A token.',
          headers: responseHeaders([...EVERY_RESPONSE, 'Cache-Control']),
          content: { 'application/json': { schema: s.DevToken } },
        },
        431: { $ref: '#/components/responses/HeadersTooLarge' },
        ...problems([
          { status: 400, codes: ['validation'] },
          { status: 413, codes: ['payload-too-large'] },
          { status: 415, codes: ['unsupported-media-type'] },
        ]),
      },
    });
  }
  const health = (description: string, headers: readonly ResponseHeaderName[] = EVERY_RESPONSE) => ({
    description,
    headers: responseHeaders(headers),
    content: { 'application/json': { schema: s.Health } },
  });
  routes.push(
    get('/health', 'getHealth', 'The gateway process is alive', { 200: health('`{status: "ok"}`.') }),
    get('/ready', 'getReadiness', 'Every dependency of the gateway answers', {
      200: health('`{status: "ready"}`.', [...EVERY_RESPONSE, 'Cache-Control']),
      503: health('`{status: "unavailable"}`: a dependency does not answer.', [
        ...EVERY_RESPONSE,
        'Cache-Control',
        'Retry-After',
      ]),
    }),
    get(
      '/openapi.json',
      'getOpenApiDocument',
      'This document',
      {
        200: {
          description: 'The OpenAPI 3.1 document.',
          headers: responseHeaders(EVERY_RESPONSE),
          content: { 'application/json': { schema: z.object({ openapi: z.string() }).catchall(z.unknown()) } },
        },
      },
      // A request target that is not a plain path (origin-form-only).
      [{ status: 400, codes: ['validation'] }],
    ),
  );
  return routes;
}

/** What a route's kind adds: parameters, response headers and refusals common to its stages. */
function routeConfig(route: PublicRoute, operation: Operation): RouteConfig {
  const { success, problems: own = {}, problemHeaders = {}, paginated, queueToken, ...rest } = operation;
  const post = route.method === 'POST';
  const upstream = route.target !== 'gateway';
  const command = route.target === 'command-api';
  const keyRequired = post && DEFAULT_REQUIRED_PATHS.includes(route.path);

  const parameters: RequestHeaderName[] = ['RequestId'];
  if (post) parameters.push(keyRequired ? 'IdempotencyKeyRequired' : 'IdempotencyKey');
  if (queueToken) parameters.push('QueueToken');
  if (!post) parameters.push('IfNoneMatch');
  if (route.target === 'query-api') parameters.push('ConsistencyToken');

  // Every POST behind authentication spends the command budget, a status poll the poll budget.
  const rateLimited = post || route.path === '/queue/entries/:entryId';
  const routeHeaders: ResponseHeaderName[] = [
    ...(rateLimited ? (['RateLimit', 'RateLimit-Policy'] as const) : []),
    ...(route.target === 'query-api' ? (['Cache-Control'] as const) : []),
  ];
  const successHeaders: ResponseHeaderName[] = [...EVERY_RESPONSE, ...routeHeaders, ...(success.headers ?? [])];
  if (success.status === 201) successHeaders.push('Location');
  if (post) successHeaders.push('Idempotent-Replayed');
  if (command) successHeaders.push('X-Consistency-Token');
  if (paginated) successHeaders.push('X-Next-Cursor', 'Link');

  // status -> codes, every stage's refusals merged with the operation's own.
  const codes = new Map<number, Set<string>>();
  const add = (status: number, ...names: string[]): void => {
    const set = codes.get(status) ?? new Set<string>();
    for (const name of names) set.add(name);
    codes.set(status, set);
  };
  add(400, 'validation');
  add(401, 'unauthenticated');
  if (rateLimited) add(429, 'rate-limited');
  add(503, 'unavailable');
  if (route.role === 'admin') add(403, 'forbidden');
  if (post) {
    add(413, 'payload-too-large');
    add(415, 'unsupported-media-type');
    add(409, 'idempotency-key-in-use');
    add(422, 'idempotency-key-reused');
  }
  if (keyRequired) add(400, 'idempotency-key-required');
  if (queueToken) add(401, 'queue-token-required', 'queue-token-invalid');
  if (upstream) {
    add(502, 'bad-gateway');
    add(504, 'upstream-timeout');
  }
  if (command) add(409, 'concurrent-update');
  if (route.target === 'query-api') add(503, 'read-model-lagging');
  for (const [status, names] of Object.entries(own)) add(Number(status), ...names);

  const headersOf = (status: number): ResponseHeaderName[] => {
    // A 401 `unauthenticated` comes before the rate limits (a queue-token refusal after them).
    const beforeLimits = status === 401 && codes.get(401)?.size === 1;
    const headers: ResponseHeaderName[] = [...(beforeLimits ? [] : routeHeaders), ...(problemHeaders[status] ?? [])];
    if (status === 401 && codes.get(401)?.has('unauthenticated')) headers.push('WWW-Authenticate');
    if (status === 409 || status === 429 || status === 503) headers.push('Retry-After');
    // A repeat of a POST whose first answer was this refusal gets the stored answer.
    if (post && (status === 409 || status === 422)) headers.push('Idempotent-Replayed');
    return headers;
  };
  const refusals = [...codes.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, names]) => ({ status, codes: [...names], headers: headersOf(status) }));

  return {
    ...rest,
    method: post ? 'post' : 'get',
    // Express `:name` -> OpenAPI `{name}`.
    path: route.path.replace(/:([A-Za-z]+)/g, '{$1}'),
    parameters: parameters.map(parameterRef),
    responses: {
      [success.status]: {
        description: success.description,
        headers: responseHeaders(successHeaders),
        ...(success.schema ? { content: { 'application/json': { schema: success.schema } } } : {}),
      },
      ...(post ? {} : { 304: { $ref: '#/components/responses/NotModified' } }),
      431: { $ref: '#/components/responses/HeadersTooLarge' },
      ...problems(refusals),
    },
  };
}

/**
 * A component written as plain OpenAPI (headers, parameters, shared responses): its shape is
 * checked by the redocly lint of the generated document (`npm run lint:openapi`).
 */
function registerPlain(
  registry: OpenAPIRegistry,
  type: 'headers' | 'parameters' | 'responses',
  name: string,
  component: object,
): void {
  registry.registerComponent(type, name, component as Parameters<OpenAPIRegistry['registerComponent']>[2]);
}

function json(schema: z.ZodType) {
  return { required: true, content: { 'application/json': { schema } } };
}

function problems(cases: readonly ProblemCase[]): RouteConfig['responses'] {
  return Object.fromEntries(cases.map((problem) => [problem.status, problemResponseOf(problem)]));
}
