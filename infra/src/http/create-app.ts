import express from 'express';
import type { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { httpMetrics, metricsRegistry, metricsRouter, type Registry } from '../metrics/metrics.js';
import type { CodeToStatus } from './domain-problem.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { healthRouter, type ReadinessCheck } from './health.js';
import { jsonBody, type BodyLimit } from './json-body.js';
import { requestContext, type RequestLogPolicy } from './request-context.js';

export interface CreateAppOptions {
  logger: Logger;
  /** Defaults to the process registry (`metricsRegistry()`). */
  registry?: Registry;
  readinessChecks?: Readonly<Record<string, ReadinessCheck>>;
  /** Mounts the service's routes; runs after body parsing, before the not-found handler. */
  routes: (app: Express) => void;
  /**
   * Mounts what answers or refuses before authentication (the gateway: its allow-list, the
   * OpenAPI document, the development login); runs after /health, /ready and /metrics.
   */
  publicRoutes?: (app: Express) => void;
  /** Runs before the body is read, so an anonymous client cannot make the server parse a large body. */
  authenticate?: RequestHandler;
  /** After authentication, before the body is read (the gateway: the admin role, rate limits). */
  beforeBody?: readonly RequestHandler[];
  codeToStatus?: CodeToStatus;
  bodyLimitBytes?: BodyLimit;
  /** Also keep the body's exact bytes (see `rawBodyOf`), for a service that forwards them. */
  keepRawBody?: boolean;
  /** Which requests are logged (requestLogPolicy(config)); the defaults otherwise. */
  requestLog?: RequestLogPolicy;
  /**
   * false: this port serves neither /metrics nor what each readiness check said, only whether
   * the process is ready (a public port; the details live on an admin port). Default true.
   */
  operationalDetail?: boolean;
  /** express `trust proxy`: whose address `req.ip` is. Default false (the connection's). */
  trustProxy?: boolean | number | string | string[];
}

/** The standard middleware chain of every HTTP service, in the one order that is correct. */
export function createApp(options: CreateAppOptions): Express {
  const registry = options.registry ?? metricsRegistry();
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  // First, so that even a request refused by a later middleware is logged and timed.
  app.use(requestContext(options.logger, options.requestLog));
  app.use(httpMetrics(registry));
  const detail = options.operationalDetail ?? true;
  if (detail) app.use(metricsRouter(registry));
  app.use(healthRouter(options.readinessChecks ?? {}, { detail }));
  options.publicRoutes?.(app);
  if (options.authenticate) app.use(options.authenticate);
  for (const stage of options.beforeBody ?? []) app.use(stage);
  app.use(
    jsonBody({
      ...(options.bodyLimitBytes === undefined ? {} : { limitBytes: options.bodyLimitBytes }),
      ...(options.keepRawBody ? { keepRawBody: true } : {}),
    }),
  );
  options.routes(app);
  app.use(notFoundHandler());
  app.use(
    errorHandler({ logger: options.logger, ...(options.codeToStatus ? { codeToStatus: options.codeToStatus } : {}) }),
  );
  return app;
}
