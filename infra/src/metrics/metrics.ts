import { Router } from 'express';
import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Registry } from 'prom-client';

/** Labels every series of the registry carries, e.g. `{ service: 'command-api' }`. */
export function createMetricsRegistry(defaultLabels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The counter of this name on the registry, registered at first use: several apps may share one
 * registry (tests, a listener in front of an app), and registering a name twice throws.
 */
export function registeredCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

let processRegistry: Registry | undefined;

/**
 * The registry of this process, created on first use; services register their own counters
 * on it so that one scrape of /metrics returns everything.
 */
export function metricsRegistry(): Registry {
  processRegistry ??= createMetricsRegistry();
  return processRegistry;
}

const DURATION_METRIC = 'http_request_duration_seconds';
/** Requests that matched no route share one label, so scanners cannot explode cardinality. */
const UNMATCHED_ROUTE = 'unmatched';

/** Times every request by method, route pattern (`/reservations/:id`) and status. */
export function httpMetrics(registry: Registry): RequestHandler {
  const histogram = httpDurationHistogram(registry);
  return (req, res, next) => {
    const stop = histogram.startTimer();
    const route = captureRoutePattern(req);
    res.once('finish', () => {
      stop({ method: req.method, route: route() ?? UNMATCHED_ROUTE, status_code: String(res.statusCode) });
    });
    next();
  };
}

/** Serves `GET /metrics` in the Prometheus text format. */
export function metricsRouter(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const body = await registry.metrics();
    res.type(registry.contentType).send(body);
  });
  return router;
}

/** The histogram httpMetrics records into (a handler that answers without express records there too). */
export function httpDurationHistogram(registry: Registry): Histogram<'method' | 'route' | 'status_code'> {
  // Several apps may share one registry (tests, a process serving two ports); the second one
  // reuses the histogram because registering a name twice throws.
  const existing = registry.getSingleMetric(DURATION_METRIC);
  if (existing instanceof Histogram) return existing as Histogram<'method' | 'route' | 'status_code'>;
  return new Histogram({
    name: DURATION_METRIC,
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

/**
 * Records the full pattern of the route that handles the request. The router assigns
 * `req.route` when it dispatches to a route, and only at that moment does `req.baseUrl` hold
 * the mount path of the enclosing routers: an error thrown inside a mounted router unwinds
 * `baseUrl` before the response finishes, so reading both at 'finish' would lose the prefix.
 */
function captureRoutePattern(req: Request): () => string | undefined {
  let route: unknown;
  let pattern: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: unknown) => {
      route = value;
      const path = (value as { path?: unknown } | undefined)?.path;
      if (path !== undefined) pattern = `${req.baseUrl}${String(path)}`;
    },
  });
  return () => pattern;
}
