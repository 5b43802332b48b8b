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
  shareShutdownState,
} from '@concert/infra';
import type { IncomingMessage, RequestListener } from 'node:http';
import express, { Router, type Express, type RequestHandler } from 'express';
import { devTokenRoute } from './auth/dev-token-route.js';
import { corsPolicy } from './cors/cors-policy.js';
import type { GatewayDeps } from './gateway-deps.js';
import { openApiRoute } from './openapi/openapi-route.js';
import { holdFastPath } from './queue/hold-fast-path.js';
import { pollFastPath } from './queue/poll-fast-path.js';
import { matchPublicRoute, publicRouteOf, type OwnRoute } from './routing/match-public-route.js';
import { originFormOnly } from './routing/origin-form-only.js';
import { bodyLimitOf, PUBLIC_ROUTES } from './routing/public-routes.js';
import { proxyToUpstream, upstreamForwarder, type ProxyOptions } from './upstream/proxy-to-upstream.js';
import type { UpstreamPool } from './upstream/upstream-pool.js';
import { webPages } from './web/web-pages.js';

/**
 * The gateway's pipeline, the shared app chain (createApp) in the one order that is correct:
 * request id, logging and metrics -> /health and /ready with its status only (/metrics and
 * the detailed /ready are on the admin port) -> the CORS headers (CORS_ORIGINS) -> its own public routes (/openapi.json, POST
 * /auth/token, the static pages GET /, /console and /assets/*) -> the allow-list (404 for
 * anything else, 405 for a known path's other methods, OPTIONS and preflights answered) ->
 * authentication (and the admin role on /admin/*) -> rate limits -> JSON body ->
 * Idempotency-Key -> the waiting room and the console's data -> queue token -> the proxy to a
 * healthy upstream instance.
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
      // Before every route that answers a POST, the gateway's own included: a key is honoured on each.
      if (stages.idempotency) app.use(stages.idempotency);
      if (stages.queueRouter) app.use(stages.queueRouter);
      if (stages.console) app.use(stages.console);
      if (stages.requireQueueToken) app.use(stages.requireQueueToken);
      app.use(proxyRouter(deps));
    },
  });
}

/**
 * What the public port serves: the plain hold (stages.holdFastPath) and the status poll
 * (stages.pollFastPath) answered in front of the express app, which answers everything else;
 * the app alone when there is no fast path.
 */
export function createGatewayListener(deps: GatewayDeps): RequestListener {
  const app = createGatewayApp(deps);
  const { pollFastPath: pollSources, holdFastPath: holdSources } = deps.stages;
  if (pollSources === undefined && holdSources === undefined) return app;
  const etag = app.get('etag fn') as ((body: Buffer, encoding?: string) => string) | false | undefined;
  const front = {
    verifier: deps.verifier,
    cors: corsPolicy(deps.config.CORS_ORIGINS),
    logger: deps.logger,
    requestLog: requestLogPolicy(deps.config),
    registry: deps.registry,
    clientIp: clientIpOf(app),
    etag: (body: Buffer) => (typeof etag === 'function' ? etag(body) : undefined),
  };
  let listener: RequestListener = app;
  if (pollSources !== undefined) listener = pollFastPath({ ...pollSources, ...front, app: listener });
  // A hold it hands over passes the poll's fast path (not a poll) on its way to express.
  if (holdSources !== undefined) {
    listener = holdFastPath({
      ...holdSources,
      ...front,
      app: listener,
      forward: upstreamForwarder(proxyOptionsOf(deps, deps.upstreams.commandApi)),
    });
  }
  shareShutdownState(listener, app);
  return listener;
}

/** `req.ip` as express computes it for `app` (its 'trust proxy'), for a request express has not seen. */
function clientIpOf(app: Express): (req: IncomingMessage) => string | undefined {
  if (app.get('trust proxy') === false) return (req) => req.socket.remoteAddress;
  const ip = Object.getOwnPropertyDescriptor(express.request, 'ip')?.get;
  if (ip === undefined) throw new Error('express no longer defines request.ip');
  return (req) =>
    ip.call(
      Object.create(app.request, {
        headers: { value: req.headers },
        socket: { value: req.socket },
        connection: { value: req.socket },
      }),
    ) as string | undefined;
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
  const toCommandApi = proxyToUpstream(proxyOptionsOf(deps, deps.upstreams.commandApi));
  const toQueryApi = proxyToUpstream(proxyOptionsOf(deps, deps.upstreams.queryApi));
  const router = Router({ caseSensitive: true, strict: true });
  for (const route of PUBLIC_ROUTES) {
    if (route.target === 'gateway') continue;
    const proxy = route.target === 'command-api' ? toCommandApi : toQueryApi;
    if (route.method === 'GET') router.get(route.path, proxy);
    else router.post(route.path, proxy);
  }
  return router;
}

function proxyOptionsOf(deps: GatewayDeps, pool: UpstreamPool): ProxyOptions {
  return { timeoutMs: deps.config.GATEWAY_UPSTREAM_TIMEOUT_MS, metrics: deps.metrics, logger: deps.logger, pool };
}
