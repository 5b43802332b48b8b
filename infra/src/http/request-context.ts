import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Level, Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/**
 * A client's id is only reused when it cannot smuggle anything into logs or headers; the
 * length bound keeps one request from bloating every log line and event it touches.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Probes and scrapes arrive every few seconds; logging them would drown real traffic. */
const UNLOGGED_PATHS = new Set(['/health', '/ready', '/metrics']);

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Gives each request its id (echoed in X-Request-Id, kept on `res.locals` for event metadata)
 * and a child logger `req.log` that carries `requestId` on every line.
 */
export function requestContext(logger: Logger): RequestHandler {
  const httpLogger = pinoHttp<IncomingMessage, ServerResponse, never>({
    logger,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (_req, res, err): Level => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => UNLOGGED_PATHS.has(pathOf(req.url)) },
  });
  return (req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    res.locals.requestId = requestId;
    // pino-http keeps an id already on the request instead of generating its own.
    req.id = requestId;
    httpLogger(req, res, next);
  };
}

/** The correlation id of the request being answered; handlers put it in event metadata. */
export function requestIdOf(res: Response): string {
  const id: unknown = res.locals.requestId;
  if (typeof id !== 'string') throw new Error('requestIdOf: requestContext middleware is not installed');
  return id;
}

/** The request's logger (every line carries its request id). */
export function loggerOf(req: Request): Logger {
  return req.log;
}

function pathOf(url: string | undefined): string {
  const path = url ?? '';
  const query = path.indexOf('?');
  return query === -1 ? path : path.slice(0, query);
}
