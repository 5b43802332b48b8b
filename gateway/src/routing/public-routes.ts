import { ADD_SCHEDULE_BODY_LIMIT_BYTES, DEFAULT_BODY_LIMIT_BYTES } from '@concert/infra';

/** Who answers a public route: an upstream kind, or the gateway itself (waiting room). */
export type RouteTarget = 'command-api' | 'query-api' | 'gateway';

export interface PublicRoute {
  method: 'GET' | 'POST';
  /** Express pattern; the same names as docs/api.md's `{params}`. */
  path: string;
  target: RouteTarget;
  /** Only callers with this role (403 `forbidden` otherwise). */
  role?: 'admin';
  bodyLimitBytes?: number;
}

/**
 * The allow-list: the public API of docs/api.md and nothing else. Whatever is not here (the
 * upstreams' /metrics and /health, any admin of
 * projections) is a 404 at the edge, so a new upstream route is private until listed.
 */
export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'POST', path: '/admin/concerts', target: 'command-api', role: 'admin' },
  {
    method: 'POST',
    path: '/admin/concerts/:concertId/schedules',
    target: 'command-api',
    role: 'admin',
    bodyLimitBytes: ADD_SCHEDULE_BODY_LIMIT_BYTES,
  },
  { method: 'GET', path: '/concerts', target: 'query-api' },
  { method: 'GET', path: '/concerts/:concertId/schedules', target: 'query-api' },
  { method: 'GET', path: '/schedules/:scheduleId/seats', target: 'query-api' },
  { method: 'POST', path: '/queue/entries', target: 'gateway' },
  { method: 'GET', path: '/queue/entries/:entryId', target: 'gateway' },
  { method: 'POST', path: '/queue/entries/:entryId/leave', target: 'gateway' },
  { method: 'POST', path: '/reservations', target: 'command-api' },
  { method: 'POST', path: '/reservations/:reservationId/cancel', target: 'command-api' },
  { method: 'GET', path: '/reservations/:reservationId', target: 'query-api' },
  { method: 'GET', path: '/me/reservations', target: 'query-api' },
  { method: 'POST', path: '/wallet/charges', target: 'command-api' },
  { method: 'GET', path: '/me/wallet', target: 'query-api' },
  { method: 'POST', path: '/payments', target: 'command-api' },
  { method: 'GET', path: '/payments/:paymentId', target: 'query-api' },
  { method: 'GET', path: '/me/notifications', target: 'query-api' },
  { method: 'GET', path: '/admin/stats/concerts/:concertId', target: 'query-api', role: 'admin' },
  { method: 'GET', path: '/admin/stats/schedules/:scheduleId', target: 'query-api', role: 'admin' },
  // The ops console's data (console/console-router.ts); its page, like the buyer page, is static (web/web-pages.ts).
  { method: 'GET', path: '/admin/console/snapshot', target: 'gateway', role: 'admin' },
  { method: 'POST', path: '/admin/console/parked/:id/retry', target: 'gateway', role: 'admin' },
];

export function bodyLimitOf(route: PublicRoute | undefined): number {
  return route?.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
}
