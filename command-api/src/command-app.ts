import {
  ADD_SCHEDULE_BODY_LIMIT_BYTES,
  ADD_SCHEDULE_PATH,
  authenticate,
  createApp,
  DEFAULT_BODY_LIMIT_BYTES,
  jsonCommandFastPath,
  requestLogPolicy,
  shareShutdownState,
} from '@concert/infra';
import {
  addScheduleRoute,
  cancelReservationRoute,
  chargeWalletRoute,
  createConcertRoute,
  holdSeatsFastRoute,
  holdSeatsRoute,
  payRoute,
  type CommandApiDeps,
} from '@concert/write-model';
import type { RequestListener } from 'node:http';
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

/**
 * What the command API's port serves: the plain hold (`POST /reservations`, the on-sale's
 * request) answered in front of express by the same command (jsonCommandFastPath), express for
 * everything else.
 */
export function createCommandListener(deps: CommandApiDeps): RequestListener {
  const app = createCommandApp(deps);
  const etag = app.get('etag fn') as ((body: Buffer, encoding?: string) => string) | false | undefined;
  const front = jsonCommandFastPath({
    app,
    routes: [holdSeatsFastRoute(deps)],
    verifier: deps.verifier,
    logger: deps.logger,
    requestLog: requestLogPolicy(deps.config),
    registry: deps.registry,
    etag: (body) => (typeof etag === 'function' ? etag(body) : undefined),
  });
  shareShutdownState(front, app);
  return front;
}
