import {
  authenticate,
  createApp,
  createJwtVerifier,
  createLogger,
  createMetricsRegistry,
  HttpProblem,
  sendProblem,
  serve,
  type Config,
  type IdempotencyStore,
  type Registry,
} from '@concert/infra';
import type { Request, Response } from 'express';
import { createProxyMiddleware, fixRequestBody } from 'http-proxy-middleware';
import { idempotency } from '../../src/idempotency/index.js';
import { noteUpstreamAttempt, noteUpstreamError } from '../../src/upstream/upstream-contact.js';

export interface TestGateway {
  url: string;
  registry: Registry;
  close(): Promise<void>;
}

/**
 * The smallest gateway around the idempotency middleware: infra's app chain with JWT
 * authentication, then `idempotency`, a stand-in queue-token check (`Queue-Token: invalid` is
 * refused 401), then a plain http-proxy-middleware proxy to
 * `upstream()` (the real gateway app, with its pool and retries, is gw-edge's business) that
 * tells the middleware, as the real proxy does, whether the request may have reached it.
 * An upstream that cannot be reached is answered 502 `bad-gateway`, as the gateway does.
 */
export async function startTestGateway(
  config: Config,
  store: IdempotencyStore,
  upstream: () => string,
): Promise<TestGateway> {
  const logger = createLogger({ LOG_LEVEL: 'silent' }, 'test-gateway');
  const registry = createMetricsRegistry();
  const proxy = createProxyMiddleware<Request, Response>({
    router: () => upstream(),
    changeOrigin: true,
    on: {
      // The body was parsed by the app's JSON middleware; send it on.
      proxyReq: (proxyReq, req, res) => {
        noteUpstreamAttempt(res);
        fixRequestBody(proxyReq, req);
      },
      error: (error, _req, res) => {
        if ('locals' in res) noteUpstreamError(res, error as NodeJS.ErrnoException);
        if ('headersSent' in res && !res.headersSent) {
          sendProblem(
            res as Response,
            new HttpProblem({ status: 502, code: 'bad-gateway', detail: 'the upstream could not be reached' }),
          );
        }
      },
    },
  });
  const app = createApp({
    logger,
    registry,
    authenticate: authenticate(createJwtVerifier(config)),
    routes: (routes) => {
      routes.use(idempotency({ store, registry, logger }));
      // Stands for the gateway's own checks after this stage (the queue token): a refusal that
      // is not the upstream's answer.
      routes.use((req, _res, next) => {
        next(
          req.headers['queue-token'] === 'invalid'
            ? new HttpProblem({ status: 401, code: 'queue-token-invalid' })
            : undefined,
        );
      });
      routes.use(proxy);
    },
  });
  const running = await serve(app, 0, { logger, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${running.port}`, registry, close: running.close };
}

/** The current value of `gateway_idempotency_hits_total{outcome}`. */
export async function hits(registry: Registry, outcome: string): Promise<number> {
  const metric = registry.getSingleMetric('gateway_idempotency_hits_total');
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  return values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
}
