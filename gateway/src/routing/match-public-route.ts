import { notFoundProblem } from '@concert/infra';
import { Router, type RequestHandler, type Response } from 'express';
import type { PublicRoute } from './public-routes.js';

/**
 * Finds the request's public route before anything else looks at it, and refuses (404
 * problem+json) a path that is not on the allow-list, whoever asks and with whatever token.
 * Matching through an express router also labels the request's metrics with the pattern.
 */
export function matchPublicRoute(routes: readonly PublicRoute[]): RequestHandler[] {
  // Strict and case-sensitive: `/reservations/` or `/Reservations` would reach the same upstream
  // route (express is lenient) while slipping past a stage that compares paths exactly.
  const router = Router({ caseSensitive: true, strict: true });
  for (const route of routes) {
    const mark: RequestHandler = (_req, res, next) => {
      res.locals.publicRoute = route;
      next();
    };
    if (route.method === 'GET') router.get(route.path, mark);
    else router.post(route.path, mark);
  }
  const refuseUnlisted: RequestHandler = (req, res, next) => {
    if (publicRouteOf(res) === undefined) {
      next(notFoundProblem(`no route for ${req.method} ${req.path.slice(0, 200)}`));
      return;
    }
    next();
  };
  return [router, refuseUnlisted];
}

/** The public route `matchPublicRoute` found for this request. */
export function publicRouteOf(res: Response): PublicRoute | undefined {
  return res.locals.publicRoute as PublicRoute | undefined;
}
