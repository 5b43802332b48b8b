import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
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
  problemResponse,
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
import { PUBLIC_ROUTES, type PublicRoute } from '../routing/public-routes.js';

type Operation = Omit<RouteConfig, 'method' | 'path' | 'responses'> & {
  success: { status: number; description: string; schema?: z.ZodType };
  /** Refusals specific to the operation, on top of those every route may give. */
  errors?: readonly number[];
};

/** Page through lists with the X-Next-Cursor of the previous page. */
const pageQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional()
    .describe('1 to 100, default 20'),
  cursor: z.string().optional().describe('the X-Next-Cursor of the previous page'),
});
const idempotencyKey = z.string().min(1).max(255);
const queueTokenHeaders = z.object({ 'queue-token': z.string().min(1) });

/** The operations of the public routes, keyed `METHOD path` as in PUBLIC_ROUTES. */
function operations(walletMaxCharge: number): Record<string, Operation> {
  return {
    'POST /admin/concerts': {
      summary: 'Create a concert (admin)',
      request: { body: json(createConcertBody) },
      success: { status: 201, description: 'created', schema: concertCreatedResponse },
      errors: [403],
    },
    'POST /admin/concerts/:concertId/schedules': {
      summary: 'Add a date with its seat map (admin)',
      request: { params: concertIdParams, body: json(addScheduleBody) },
      success: { status: 201, description: 'added', schema: scheduleAddedResponse },
      errors: [403, 404],
    },
    'GET /concerts': {
      summary: 'List concerts',
      request: { query: pageQuery },
      success: { status: 200, description: 'a page of concerts', schema: z.array(concertView) },
    },
    'GET /concerts/:concertId/schedules': {
      summary: 'List the dates of a concert (only dates with seats left unless all=true)',
      request: { params: concertIdParams, query: listSchedulesQuery },
      success: { status: 200, description: 'dates', schema: z.array(scheduleView) },
      errors: [404],
    },
    'GET /schedules/:scheduleId/seats': {
      summary: 'Seats of a date and their status',
      request: { params: scheduleIdParams },
      success: { status: 200, description: 'seats', schema: z.array(seatView) },
      errors: [404],
    },
    'POST /queue/entries': {
      summary: 'Enter the waiting room of a concert (the same user and concert always get the same entry)',
      request: { body: json(queueEntryBody) },
      success: { status: 202, description: 'the entry', schema: queueEntryView },
      errors: [404],
    },
    'GET /queue/entries/:entryId': {
      summary: 'Status of a waiting-room entry; queueToken once ADMITTED',
      request: { params: queueEntryIdParams },
      success: { status: 200, description: 'the entry', schema: queueEntryView },
      errors: [403, 404],
    },
    'POST /reservations': {
      summary: 'Hold 1 to 4 seats (needs a queue token)',
      request: { headers: queueTokenHeaders, body: json(holdSeatsBody) },
      success: { status: 201, description: 'held', schema: reservationHeldResponse },
      errors: [404, 409],
    },
    'POST /reservations/:reservationId/cancel': {
      summary: 'Cancel a held reservation (owner)',
      request: { params: reservationIdParams, body: { ...json(cancelReservationBody), required: false } },
      success: { status: 200, description: 'cancelled', schema: reservationCancelledResponse },
      errors: [403, 404, 409],
    },
    'GET /reservations/:reservationId': {
      summary: 'A reservation (owner)',
      request: { params: reservationIdParams },
      success: { status: 200, description: 'the reservation', schema: reservationView },
      errors: [403, 404],
    },
    'GET /me/reservations': {
      summary: "The caller's reservations, newest first",
      request: { query: pageQuery },
      success: { status: 200, description: 'a page of reservations', schema: z.array(reservationView) },
    },
    'POST /wallet/charges': {
      summary: "Charge the caller's wallet (Idempotency-Key required)",
      request: {
        headers: z.object({ 'idempotency-key': idempotencyKey }),
        body: json(chargeWalletBody(walletMaxCharge)),
      },
      success: { status: 201, description: 'the new balance', schema: walletBalance },
      errors: [409, 422],
    },
    'GET /me/wallet': {
      summary: "The caller's balance",
      success: { status: 200, description: 'the balance', schema: walletBalance },
    },
    'POST /payments': {
      summary: 'Pay a held reservation from the wallet (owner; queue token and Idempotency-Key required)',
      request: { headers: queueTokenHeaders.extend({ 'idempotency-key': idempotencyKey }), body: json(payBody) },
      success: { status: 201, description: 'paid', schema: paymentView },
      errors: [403, 404, 409, 422],
    },
    'GET /payments/:paymentId': {
      summary: 'A payment (owner)',
      request: { params: paymentIdParams },
      success: { status: 200, description: 'the payment', schema: paymentView },
      errors: [403, 404],
    },
    'GET /me/notifications': {
      summary: "The caller's notifications, newest first (when no webhook is configured)",
      request: { query: pageQuery },
      success: { status: 200, description: 'a page of notifications', schema: z.array(notificationView) },
    },
    'GET /admin/stats/concerts/:concertId': {
      summary: 'Per-minute statistics of a concert over its schedules (admin)',
      request: { params: concertIdParams, query: statsRangeQuery },
      success: { status: 200, description: 'minutes and totals', schema: statsView },
      errors: [403, 404],
    },
    'GET /admin/stats/schedules/:scheduleId': {
      summary: 'Per-minute statistics of a schedule (admin)',
      request: { params: scheduleIdParams, query: statsRangeQuery },
      success: { status: 200, description: 'minutes and totals', schema: statsView },
      errors: [403, 404],
    },
    'GET /admin/console/snapshot': {
      summary:
        "The ops console's live data: waiting rooms, seats and sales per schedule, rates and p99 by route, projection lag, relay, expiry, process health (admin)",
      success: { status: 200, description: "one snapshot, aggregated from every process's /ready and /metrics" },
      errors: [403],
    },
    'POST /admin/console/parked/:id/retry': {
      summary: 'Apply a parked projection event again (admin; see the README on ordering)',
      request: { params: z.object({ id: z.string().regex(/^\d+$/) }) },
      success: { status: 200, description: '{id, projection, outcome: applied|failed, error?}' },
      errors: [403, 404, 503],
    },
  };
}

export interface OpenApiOptions {
  walletMaxCharge: number;
  devLogin: boolean;
}

/**
 * The OpenAPI 3.1 document of the public API, generated from the zod schemas in
 * @concert/infra's api-contract that the services validate requests with. Every route of
 * the allow-list must have an operation here (checked at start-up).
 */
export function openApiDocument(options: OpenApiOptions): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const byRoute = operations(options.walletMaxCharge);
  for (const route of PUBLIC_ROUTES) {
    const operation = byRoute[`${route.method} ${route.path}`];
    if (operation === undefined) throw new Error(`openapi: no operation for ${route.method} ${route.path}`);
    registry.registerPath(routeConfig(route, operation));
  }
  if (options.devLogin) {
    registry.registerPath({
      method: 'post',
      path: '/auth/token',
      summary: 'Mint a token (development login; 404 when AUTH_DEV_LOGIN is off)',
      request: { body: json(devTokenBody) },
      responses: { 200: jsonResponse('a token', devTokenResponse), ...problems([400, 413, 415]) },
    });
  }
  for (const path of ['/health', '/ready'] as const) {
    registry.registerPath({
      method: 'get',
      path,
      summary:
        path === '/health'
          ? 'The gateway process is alive'
          : 'Every dependency answers (503 with the state of each otherwise)',
      responses: {
        200: jsonResponse('ok', z.object({ status: z.string(), checks: z.record(z.string(), z.string()).optional() })),
        ...(path === '/ready' ? problems([503]) : {}),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Concert reservations',
      version: '1.0.0',
      description:
        'The public API, served by the gateway. Every error is application/problem+json with a stable `code`.',
    },
  });
}

function routeConfig(route: PublicRoute, operation: Operation): RouteConfig {
  const { success, errors = [], ...rest } = operation;
  const common = [400, 401, 429, 503, ...(route.method === 'POST' ? [413, 415] : [])];
  return {
    ...rest,
    method: route.method === 'GET' ? 'get' : 'post',
    // Express `:name` -> OpenAPI `{name}`.
    path: route.path.replace(/:([A-Za-z]+)/g, '{$1}'),
    security: [{ bearer: [] }],
    responses: {
      [success.status]: success.schema
        ? jsonResponse(success.description, success.schema)
        : { description: success.description },
      ...problems([...new Set([...common, ...errors])].sort()),
    },
  };
}

function json(schema: z.ZodType) {
  return { required: true, content: { 'application/json': { schema } } };
}

function jsonResponse(description: string, schema: z.ZodType): ResponseConfig {
  return { description, content: { 'application/json': { schema } } };
}

function problems(statuses: readonly number[]): Record<number, ResponseConfig> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: `problem (${status})`, content: { 'application/problem+json': { schema: problemResponse } } },
    ]),
  );
}
