import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { AuthClaims, JwtVerifier } from '../auth/jwt.js';
import { httpDurationHistogram, registeredCounter, type Registry } from '../metrics/metrics.js';
import type { CodeToStatus } from './domain-problem.js';
import { toProblem } from './error-handler.js';
import { parseJsonBody, plainJsonBodyLength } from './json-body.js';
import { bearerClaimsOf, sendPlainJson, sendPlainProblem, type EtagOf } from './plain-answer.js';
import { beginRequest, type RequestLogPolicy } from './request-context.js';

/** What a command answers on success: its status, its own headers and a JSON body. */
export interface CommandAnswer {
  status: number;
  headers?: Readonly<Record<string, string>>;
  body: unknown;
}

/** What a command handler gets from a request the fast path took: what express would have put on req and res.locals. */
export interface CommandRequest {
  /** The parsed JSON body, checked as jsonBody checks it (depth, storable text), not yet against the command's schema. */
  body: unknown;
  auth: AuthClaims;
  requestId: string;
  headers: IncomingHttpHeaders;
  log: Logger;
}

export interface FastCommandRoute {
  /** The exact request target (no query string); only POST is taken. */
  path: string;
  /** The body limit of the express path for this route. */
  bodyLimitBytes: number;
  /** Runs the command; throws what the express route would throw (refusals, problems, failures). */
  handle(request: CommandRequest): Promise<CommandAnswer>;
}

export interface JsonCommandFastPathOptions {
  /** The express app: every request the fast path does not take goes there untouched. */
  app: RequestListener;
  routes: readonly FastCommandRoute[];
  verifier: JwtVerifier;
  logger: Logger;
  requestLog: RequestLogPolicy;
  registry: Registry;
  codeToStatus?: CodeToStatus;
  /** express's ETag function ('etag fn'), so both paths tag an answer alike. */
  etag: EtagOf;
}

/**
 * The plainest command requests answered in front of express (issue 13): the generic pipeline
 * (router, a dozen middleware layers, body-parser, the error handler's indirections) cost more
 * CPU than the command. A request is taken only when it is `POST` to a route's exact path with a
 * valid bearer token and a JSON body of a declared length within the route's limit (no
 * chunked or encoded body, no `Expect`); everything else, the 401s included, goes to express
 * untouched. A taken request is answered as the express path answers it: X-Request-Id, the
 * request log, the duration histogram labelled with the route's path, the same body checks,
 * problems and statuses (toProblem), the ETag express would compute.
 */
export function jsonCommandFastPath(options: JsonCommandFastPathOptions): RequestListener {
  const { app, verifier, logger, requestLog, etag } = options;
  const histogram = httpDurationHistogram(options.registry);
  const taken = registeredCounter(
    options.registry,
    'http_fast_path_requests_total',
    'Requests answered in front of express by jsonCommandFastPath, by route',
    ['route'],
  );
  const routes = new Map(options.routes.map((route) => [route.path, route]));
  const takenOn = new Map(options.routes.map((route) => [route.path, taken.labels({ route: route.path })]));

  function answer(req: IncomingMessage, res: ServerResponse, route: FastCommandRoute, auth: AuthClaims): void {
    const startedAt = performance.now();
    takenOn.get(route.path)?.inc();
    const stop = histogram.startTimer();
    res.once('finish', () => {
      stop({ method: 'POST', route: route.path, status_code: String(res.statusCode) });
    });
    const requestId = beginRequest(logger, requestLog, req, res, startedAt);
    readBody(req, (bytes) => {
      if (bytes === undefined) return; // the client went away mid-body: nothing to answer
      let body: unknown;
      try {
        body = parseJsonBody(bytes);
      } catch (error) {
        sendPlainProblem(res, toProblem(error, options.codeToStatus, req.log), etag);
        return;
      }
      route
        .handle({ body, auth, requestId, headers: req.headers, log: req.log })
        .then(
          (done) => sendPlainJson(res, done.status, done.headers ?? {}, done.body, etag),
          (error: unknown) => sendPlainProblem(res, toProblem(error, options.codeToStatus, req.log), etag),
        )
        .catch((error: unknown) => {
          // Rendering the answer failed (a bug): as express's final handler would, a 500 or a cut connection.
          req.log.error({ err: error }, 'error while answering');
          if (res.headersSent) res.destroy();
          else sendPlainProblem(res, toProblem(error, options.codeToStatus, undefined), etag);
        });
    });
  }

  return (req, res) => {
    const route = req.method === 'POST' ? routes.get(req.url ?? '') : undefined;
    const auth = route === undefined ? undefined : plainCommandOf(req, route, verifier);
    if (route === undefined || auth === undefined) app(req, res);
    else answer(req, res, route, auth);
  };
}

/** The caller's claims when the request is one the fast path may take; undefined otherwise. */
function plainCommandOf(req: IncomingMessage, route: FastCommandRoute, verifier: JwtVerifier): AuthClaims | undefined {
  if (plainJsonBodyLength(req.headers, route.bodyLimitBytes) === undefined) return undefined;
  return bearerClaimsOf(req, verifier);
}

/** The whole body (its length was declared and bounded), or undefined if the request ended early. */
function readBody(req: IncomingMessage, done: (bytes: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let settled = false;
  const settle = (bytes: Buffer | undefined) => {
    if (settled) return;
    settled = true;
    done(bytes);
  };
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('end', () => settle(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  req.once('error', () => settle(undefined));
  req.once('close', () => settle(undefined));
}
