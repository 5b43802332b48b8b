import { authenticate, createApp } from '@concert/infra';
import type { Express } from 'express';
import { cacheControl, CATALOG_CACHE_CONTROL, PRIVATE_CACHE_CONTROL } from './cache-control.js';
import { listConcertsRoute } from './concerts/list-concerts.js';
import { listSchedulesRoute } from './concerts/list-schedules.js';
import { listMyNotificationsRoute } from './notifications/list-my-notifications.js';
import { getPaymentRoute } from './payments/get-payment.js';
import type { QueryApiDeps } from './query-api-deps.js';
import { getReservationRoute } from './reservations/get-reservation.js';
import { listMyReservationsRoute } from './reservations/list-my-reservations.js';
import { getScheduleRoute } from './schedules/get-schedule.js';
import { listSeatsRoute } from './schedules/list-seats.js';
import { concertStatsRoute } from './stats/concert-stats.js';
import { scheduleStatsRoute } from './stats/schedule-stats.js';
import { getWalletRoute } from './wallet/get-wallet.js';

/** The read side's HTTP face (docs/api.md): every route behind JWT authentication. */
export function createQueryApp(deps: QueryApiDeps): Express {
  return createApp({
    logger: deps.logger,
    requestLog: deps.requestLog,
    registry: deps.registry,
    readinessChecks: deps.readinessChecks,
    authenticate: authenticate(deps.verifier),
    routes: (app) => {
      app.use(['/concerts', '/schedules'], cacheControl(CATALOG_CACHE_CONTROL));
      app.use(['/reservations', '/me', '/payments', '/admin'], cacheControl(PRIVATE_CACHE_CONTROL));
      listConcertsRoute(app, deps);
      listSchedulesRoute(app, deps);
      getScheduleRoute(app, deps);
      listSeatsRoute(app, deps);
      getReservationRoute(app, deps);
      listMyReservationsRoute(app, deps);
      getPaymentRoute(app, deps);
      getWalletRoute(app, deps);
      listMyNotificationsRoute(app, deps);
      concertStatsRoute(app, deps);
      scheduleStatsRoute(app, deps);
    },
  });
}
