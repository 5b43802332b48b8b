import { ADD_SCHEDULE_BODY_LIMIT_BYTES, ADD_SCHEDULE_PATH, authenticate, createApp, DEFAULT_BODY_LIMIT_BYTES } from '@concert/infra';
import type { Express } from 'express';
import { addScheduleRoute } from './catalog/add-schedule.js';
import { createConcertRoute } from './catalog/create-concert.js';
import type { CommandApiDeps } from './command-api-deps.js';
import { timeoutCommandRoutes } from './internal/timeout-commands.js';
import { payRoute } from './payments/pay.js';
import { cancelReservationRoute } from './reservations/cancel-reservation.js';
import { holdSeatsRoute } from './reservations/hold-seats.js';
import { chargeWalletRoute } from './wallet/charge-wallet.js';

/** The write side's HTTP face (docs/api.md): every route behind JWT authentication. */
export function createCommandApp(deps: CommandApiDeps): Express {
  return createApp({
    logger: deps.logger,
    registry: deps.registry,
    readinessChecks: deps.readinessChecks,
    bodyLimitBytes: (req) => (ADD_SCHEDULE_PATH.test(req.path) ? ADD_SCHEDULE_BODY_LIMIT_BYTES : DEFAULT_BODY_LIMIT_BYTES),
    authenticate: authenticate(deps.verifier),
    routes: (app) => {
      createConcertRoute(app, deps);
      addScheduleRoute(app, deps);
      holdSeatsRoute(app, deps);
      cancelReservationRoute(app, deps);
      chargeWalletRoute(app, deps);
      payRoute(app, deps);
      timeoutCommandRoutes(app, deps);
    },
  });
}
