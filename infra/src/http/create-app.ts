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
  /** Runs before the body is read, so an anonymous client cannot make the server parse a large body. */
  authenticate?: RequestHandler;
  codeToStatus?: CodeToStatus;
  bodyLimitBytes?: BodyLimit;
  /** Which requests are logged (requestLogPolicy(config)); the defaults otherwise. */
  requestLog?: RequestLogPolicy;
}

/** The standard middleware chain of every HTTP service, in the one order that is correct. */
export function createApp(options: CreateAppOptions): Express {
  const registry = options.registry ?? metricsRegistry();
  const app = express();
  app.disable('x-powered-by');

  // First, so that even a request refused by a later middleware is logged and timed.
  app.use(requestContext(options.logger, options.requestLog));
  app.use(httpMetrics(registry));
  app.use(metricsRouter(registry));
  app.use(healthRouter(options.readinessChecks ?? {}));
  if (options.authenticate) app.use(options.authenticate);
  app.use(jsonBody(options.bodyLimitBytes === undefined ? {} : { limitBytes: options.bodyLimitBytes }));
  options.routes(app);
  app.use(notFoundHandler());
  app.use(errorHandler({ logger: options.logger, ...(options.codeToStatus ? { codeToStatus: options.codeToStatus } : {}) }));
  return app;
}
