import {
  authenticate,
  createApp,
  errorHandler,
  healthRouter,
  metricsRouter,
  notFoundHandler,
  requestContext,
  requestLogPolicy,
  requireRole,
} from '@concert/infra';
import express, { Router, type Express, type RequestHandler } from 'express';
import { devTokenRoute } from './auth/dev-token-route.js';
import { corsPolicy } from './cors/cors-policy.js';
import type { GatewayDeps } from './gateway-deps.js';
import { openApiRoute } from './openapi/openapi-route.js';
import { matchPublicRoute, publicRouteOf, type OwnRoute } from './routing/match-public-route.js';
import { originFormOnly } from './routing/origin-form-only.js';
import { bodyLimitOf, PUBLIC_ROUTES } from './routing/public-routes.js';
import { proxyToUpstream } from './upstream/proxy-to-upstream.js';
import { webPages } from './web/web-pages.js';

/**
 * The gateway's pipeline, the shared app chain (createApp) in the one order that is correct:
 * request id, logging and metrics -> /health and /ready with its status only (/metrics and
 * the detailed /ready are on the admin port) -> the CORS headers (CORS_ORIGINS) -> its own public routes (/openapi.json, POST
 * /auth/token, the static pages GET /, /console and /assets/*) -> the allow-list (404 for
 * anything else, 405 for a known path's other methods, OPTIONS and preflights answered) ->
 * authentication (and the admin role on /admin/*) -> rate limits -> JSON body -> the waiting
 * room -> Idempotency-Key -> queue token -> the proxy to a healthy upstream instance.
 * Each refusal happens before anything reaches an upstream.
 */
export function createGatewayApp(deps: GatewayDeps): Express {
  const { stages } = deps;
  return createApp({
    logger: deps.logger,
    registry: deps.registry,
    requestLog: requestLogPolicy(deps.config),
    readinessChecks: deps.readinessChecks,
    // The public sees whether the gateway is ready, not what each dependency said (see createGatewayAdminApp).
    operationalDetail: false,
    // Whose address `req.ip` is (the per-IP rate limits): the connection's unless a proxy is trusted.
    trustProxy: deps.config.TRUST_PROXY,
    publicRoutes: (app) => {
      const cors = corsPolicy(deps.config.CORS_ORIGINS);
      app.use(cors.headers);
      app.use(originFormOnly());
      openApiRoute(app, { walletMaxCharge: deps.config.WALLET_MAX_CHARGE, devLogin: deps.config.AUTH_DEV_LOGIN });
      if (deps.config.AUTH_DEV_LOGIN) devTokenRoute(app, deps.config, deps.config.AUTH_DEV_TOKEN_TTL_S);
      if (deps.webDir !== undefined) app.use(webPages(deps.webDir));
      app.use(matchPublicRoute(PUBLIC_ROUTES, ownRoutes(deps.config.AUTH_DEV_LOGIN), cors));
    },
    authenticate: authenticate(deps.verifier),
    beforeBody: [adminRoutesOnly(), ...(stages.rateLimit ? [stages.rateLimit] : [])],
    // The exact bytes are kept: the proxy forwards them unchanged (see rawBodyOf).
    bodyLimitBytes: (_req, res) => bodyLimitOf(publicRouteOf(res)),
    keepRawBody: true,
    routes: (app) => {
      if (stages.queueRouter) app.use(stages.queueRouter);
      if (stages.console) app.use(stages.console);
      if (stages.idempotency) app.use(stages.idempotency);
      if (stages.requireQueueToken) app.use(stages.requireQueueToken);
      app.use(proxyRouter(deps));
    },
  });
}

/**
 * The gateway's operational endpoints, on GATEWAY_ADMIN_PORT (never published): `GET /metrics`
 * and `GET /ready` naming each check, `GET /health`. Nothing else is routed there.
 */
export function createGatewayAdminApp(deps: Pick<GatewayDeps, 'logger' | 'registry' | 'readinessChecks'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(deps.logger));
  app.use(metricsRouter(deps.registry));
  app.use(healthRouter(deps.readinessChecks));
  app.use(notFoundHandler());
  app.use(errorHandler({ logger: deps.logger }));
  return app;
}

/** What the gateway answers itself: their paths are known (405 for another method, OPTIONS). */
function ownRoutes(devLogin: boolean): OwnRoute[] {
  return [
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/ready' },
    { method: 'GET', path: '/openapi.json' },
    ...(devLogin ? [{ method: 'POST', path: '/auth/token' } as const] : []),
  ];
}

/** The `admin` role on every route the table marks so (403 `forbidden`). */
function adminRoutesOnly(): RequestHandler {
  const admin = requireRole('admin');
  return (req, res, next) => {
    if (publicRouteOf(res)?.role === 'admin') admin(req, res, next);
    else next();
  };
}

/** Each upstream route of the allow-list to a proxy over its pool. */
function proxyRouter(deps: GatewayDeps): Router {
  const options = { timeoutMs: deps.config.GATEWAY_UPSTREAM_TIMEOUT_MS, metrics: deps.metrics, logger: deps.logger };
  const toCommandApi = proxyToUpstream({ ...options, pool: deps.upstreams.commandApi });
  const toQueryApi = proxyToUpstream({ ...options, pool: deps.upstreams.queryApi });
  const router = Router({ caseSensitive: true, strict: true });
  for (const route of PUBLIC_ROUTES) {
    if (route.target === 'gateway') continue;
    const proxy = route.target === 'command-api' ? toCommandApi : toQueryApi;
    if (route.method === 'GET') router.get(route.path, proxy);
    else router.post(route.path, proxy);
  }
  return router;
}
