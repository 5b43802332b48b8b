import { methodNotAllowedProblem, notFoundProblem } from '@concert/infra';
import { Router, type RequestHandler, type Response } from 'express';
import type { CorsPolicy } from '../cors/cors-policy.js';
import type { PublicRoute } from './public-routes.js';

/** A route the gateway answers itself before the allow-list (/openapi.json, /auth/token, /health...). */
export interface OwnRoute {
  method: 'GET' | 'POST';
  path: string;
}

/**
 * Finds the request's public route before anything else looks at it, and refuses a path that
 * is not on the allow-list, whoever asks and with whatever token: 404 problem+json for an
 * unknown path, 405 with `Allow` for a known path (public or the gateway's own) asked with
 * another method. `OPTIONS` on a known path is answered here, 204 with `Allow`, and with the
 * CORS allow headers when it is the preflight of an allowed origin. Matching through an
 * express router also labels the request's metrics with the pattern.
 */
export function matchPublicRoute(
  routes: readonly PublicRoute[],
  ownRoutes: readonly OwnRoute[],
  cors: CorsPolicy,
): RequestHandler[] {
  // Strict and case-sensitive: `/reservations/` or `/Reservations` would reach the same upstream
  // route (express is lenient) while slipping past a stage that compares paths exactly.
  const router = Router({ caseSensitive: true, strict: true });
  // `all` only: a GET or POST route would make the router answer OPTIONS itself (200, its own Allow).
  const note = (route: OwnRoute, publicRoute: PublicRoute | undefined): void => {
    router.all(route.path, (req, res, next) => {
      // Every route whose pattern matches the path adds its method, whatever the request's.
      methodsOf(res).add(route.method);
      // Express answers HEAD with the GET route.
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      if (publicRoute !== undefined && method === route.method) res.locals.publicRoute = publicRoute;
      next();
    });
  };
  for (const route of routes) note(route, route);
  for (const route of ownRoutes) note(route, undefined);
  const refuseUnlisted: RequestHandler = (req, res, next) => {
    if (publicRouteOf(res) !== undefined && req.method !== 'OPTIONS') {
      next();
      return;
    }
    const path = req.path.slice(0, 200);
    const methods = allowedMethods(methodsOf(res));
    if (methods.length === 0) {
      next(notFoundProblem(`no route for ${req.method} ${path}`));
      return;
    }
    const allow = [...methods, 'OPTIONS'];
    if (req.method === 'OPTIONS') {
      cors.answerPreflight(req, res, methods);
      res.setHeader('Allow', allow.join(', '));
      res.status(204).end();
      return;
    }
    next(methodNotAllowedProblem(req.method, path, allow));
  };
  return [router, refuseUnlisted];
}

/** The public route `matchPublicRoute` found for this request. */
export function publicRouteOf(res: Response): PublicRoute | undefined {
  return res.locals.publicRoute as PublicRoute | undefined;
}

function methodsOf(res: Response): Set<string> {
  const locals = res.locals as { pathMethods?: Set<string> };
  locals.pathMethods ??= new Set();
  return locals.pathMethods;
}

/** In a stable order; express answers HEAD with the GET route. */
function allowedMethods(methods: ReadonlySet<string>): string[] {
  return ['GET', 'HEAD', 'POST'].filter((method) => methods.has(method === 'HEAD' ? 'GET' : method));
}
