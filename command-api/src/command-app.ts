import {
  ADD_SCHEDULE_BODY_LIMIT_BYTES,
  ADD_SCHEDULE_PATH,
  authenticate,
  createApp,
  DEFAULT_BODY_LIMIT_BYTES,
  requestLogPolicy,
} from '@concert/infra';
import {
  addScheduleRoute,
  cancelReservationRoute,
  chargeWalletRoute,
  createConcertRoute,
  holdSeatsRoute,
  payRoute,
  type CommandApiDeps,
} from '@concert/write-model';
import type { Express } from 'express';

/** The write side's HTTP face (docs/api.md): every route behind JWT authentication. */
export function createCommandApp(deps: CommandApiDeps): Express {
  return createApp({
    logger: deps.logger,
    requestLog: requestLogPolicy(deps.config),
    registry: deps.registry,
    readinessChecks: deps.readinessChecks,
    bodyLimitBytes: (req) =>
      ADD_SCHEDULE_PATH.test(req.path) ? ADD_SCHEDULE_BODY_LIMIT_BYTES : DEFAULT_BODY_LIMIT_BYTES,
    authenticate: authenticate(deps.verifier),
    routes: (app) => {
      createConcertRoute(app, deps);
      addScheduleRoute(app, deps);
      holdSeatsRoute(app, deps);
      cancelReservationRoute(app, deps);
      chargeWalletRoute(app, deps);
      payRoute(app, deps);
    },
  });
}
