import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { finished, type Readable } from 'node:stream';
import { loggerOf, rawBodyOf, VERIFIED_QUEUE_CONCERT_HEADER, type HttpProblem, type Logger } from '@concert/infra';
import express, { type RequestHandler } from 'express';
import type { Dispatcher } from 'undici';
import type { GatewayMetrics } from '../gateway-metrics.js';
import { verifiedQueueConcertOf } from '../queue/index.js';
import { isNotConnected, noteUpstreamAttempt, noteUpstreamError } from './upstream-contact.js';
import { badGatewayProblem, noHealthyInstanceProblem, upstreamTimeoutProblem } from './upstream-problems.js';
import type { UpstreamPool } from './upstream-pool.js';

export interface ProxyOptions {
  pool: UpstreamPool;
  timeoutMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** The connection broke after the request may have been sent: only a read may be repeated. */
const CONNECTION_LOST = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMED_OUT = new Set(['UND_ERR_HEADERS_TIMEOUT']);
const REPEATABLE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Hop-by-hop headers (RFC 9110 7.6.1) and what the gateway sets itself: never forwarded as
 * the client sent them. `host` is the upstream's; the body's length is that of the bytes sent.
 */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'content-encoding',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-proto',
  // Only what the gateway verified itself, never what a client claims.
  VERIFIED_QUEUE_CONCERT_HEADER,
]);
const NOT_RETURNED = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'proxy-connection',
  'trailer',
  'upgrade',
]);

/** One request to forward, as the stage that read it knows it (express or a fast path in front of it). */
export interface UpstreamCall {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request target exactly as received (path and query), forwarded unchanged. */
  target: string;
  /** X-Request-Id as the gateway settled it (generated when the client sent none). */
  requestId: string | undefined;
  /** The concert of the queue token this gateway verified (a hold), forwarded as VERIFIED_QUEUE_CONCERT_HEADER. */
  queueConcert: string | undefined;
  /** The exact bytes the gateway read; undefined or empty: no body. */
  body: Buffer | undefined;
  /** The request's logger, asked for only when there is something to log (a child logger costs). */
  log: () => Logger;
  /** Told before each attempt, and of each failed one (the Idempotency-Key stage reads them). */
  onAttempt?: () => void;
  onAttemptError?: (error: NodeJS.ErrnoException) => void;
  /** Answers the hop's own failure (503, 502, 504), before any of the upstream's answer was sent. */
  fail: (problem: HttpProblem) => void;
}

/**
 * Forwards the request to a healthy instance of the pool over a keep-alive undici Pool of that
 * instance: the bytes the gateway read (never re-serialised), the response streamed back as it
 * comes. The upstream's answer (problem+json included) passes through unchanged; the gateway
 * only answers for failures of the hop itself: 503 `unavailable` when no instance is healthy,
 * 502 `bad-gateway` when the instance broke off, 504 `upstream-timeout` when it was too slow.
 * A refused connection is retried on another instance for any method (nothing was sent); a
 * read is also retried after a broken connection.
 */
export function upstreamForwarder(options: ProxyOptions): (call: UpstreamCall) => void {
  const { pool, metrics, timeoutMs } = options;

  const forward = (call: UpstreamCall, tried: Set<string>): void => {
    const { req, res } = call;
    const target = pool.pickExcept(tried);
    if (target === undefined) {
      metrics.upstreamFailures.inc({ kind: pool.kind, reason: 'no-healthy-instance' });
      call.fail(noHealthyInstanceProblem(pool.kind));
      return;
    }
    tried.add(target);
    // From here the request may reach an instance (the Idempotency-Key stage reads this).
    call.onAttempt?.();
    // The client left: the upstream's work goes on (a command is not undone), its answer is dropped.
    const abort = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) abort.abort();
    };
    res.once('close', onClose);
    const raw = call.body;
    pool.dispatcherOf(target).request(
      {
        path: call.target,
        method: req.method as Dispatcher.HttpMethod,
        headers: forwardedHeaders(call),
        body: raw !== undefined && raw.length > 0 ? raw : null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: abort.signal,
      },
      (error, data) => {
        if (error) {
          res.off('close', onClose);
          if (abort.signal.aborted) return;
          onError(error as NodeJS.ErrnoException, target, call, tried);
          return;
        }
        metrics.upstreamResponses.inc({ kind: pool.kind, status_class: `${String(data.statusCode).charAt(0)}xx` });
        relay(data, res, (streamError) => {
          res.off('close', onClose);
          if (streamError && !abort.signal.aborted)
            call.log().warn({ upstream: target, err: streamError }, 'upstream response broke off');
        });
      },
    );
  };

  function onError(error: NodeJS.ErrnoException, target: string, call: UpstreamCall, tried: Set<string>): void {
    const { req, res } = call;
    const log = call.log();
    const code = error.code ?? '';
    if (TIMED_OUT.has(code)) {
      metrics.upstreamFailures.inc({ kind: pool.kind, reason: 'timeout' });
      log.warn({ upstream: target, timeoutMs }, 'upstream timed out');
      answer(call, upstreamTimeoutProblem(pool.kind, timeoutMs));
      return;
    }
    call.onAttemptError?.(error);
    const notConnected = isNotConnected(error);
    const lost = CONNECTION_LOST.has(code) || /socket hang up|other side closed/i.test(error.message);
    if (notConnected) pool.markDown(target, `${code || error.message} while proxying`);
    else if (lost) pool.suspect(target);
    metrics.upstreamFailures.inc({
      kind: pool.kind,
      reason: notConnected ? 'refused' : lost ? 'connection-lost' : 'error',
    });
    log.warn({ upstream: target, err: error }, 'upstream request failed');

    const repeatable = notConnected || (lost && REPEATABLE_METHODS.has(req.method ?? ''));
    if (repeatable && !res.headersSent && pool.pickExcept(tried) !== undefined) {
      metrics.upstreamRetries.inc({ kind: pool.kind });
      forward(call, tried);
      return;
    }
    // Nothing reached any instance: the service is unavailable, not broken.
    answer(call, notConnected ? noHealthyInstanceProblem(pool.kind) : badGatewayProblem(pool.kind));
  }

  return (call) => forward(call, new Set());
}

/** The express stage: the request as the pipeline read it, to upstreamForwarder. */
export function proxyToUpstream(options: ProxyOptions): RequestHandler {
  const forward = upstreamForwarder(options);
  return (req, res, next) => {
    const requestId: unknown = res.locals.requestId;
    forward({
      req,
      res,
      target: req.originalUrl,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      queueConcert: verifiedQueueConcertOf(res),
      body: rawBodyOf(res),
      log: () => (loggerOf(req) as Logger | undefined) ?? options.logger,
      onAttempt: () => noteUpstreamAttempt(res),
      onAttemptError: (error) => noteUpstreamError(res, error),
      fail: next,
    });
  };
}

function forwardedHeaders(call: UpstreamCall): Record<string, string | string[]> {
  const { req, requestId, queueConcert, body: raw } = call;
  const headers: Record<string, string | string[]> = {};
  const incoming: IncomingHttpHeaders = req.headers;
  for (const name of Object.keys(incoming)) {
    const value = incoming[name];
    if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
  }
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  if (queueConcert !== undefined) headers[VERIFIED_QUEUE_CONCERT_HEADER] = queueConcert;
  const forwardedFor = incoming['x-forwarded-for'];
  const address = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] =
    typeof forwardedFor === 'string' && forwardedFor !== '' ? `${forwardedFor}, ${address}` : address;
  headers['x-forwarded-proto'] = 'http';
  if (incoming.host !== undefined) headers['x-forwarded-host'] = incoming.host;
  // body-parser inflated a compressed body: what is forwarded is the plain JSON it read.
  if (raw !== undefined) headers['content-length'] = String(raw.length);
  return headers;
}

/**
 * Status and headers, then the body as it comes, through `res`'s own writeHead/write/end so
 * that a stage wrapping them (the Idempotency-Key capture) sees the response.
 */
function relay(data: Dispatcher.ResponseData, res: ServerResponse, done: (error: Error | null) => void): void {
  const headers = data.headers;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || NOT_RETURNED.has(name)) continue;
    // Added to the gateway's own (Vary: Origin under CORS), not put in its place.
    if (name === 'vary') addVary(res, Array.isArray(value) ? value.join(', ') : value);
    else res.setHeader(name, value);
  }
  res.writeHead(data.statusCode);
  pipeBody(data.body, res, done);
}

/**
 * `stream.pipeline(body, res, done)` without pipeline's own AbortController: pipeline aborts it
 * when it finishes, and that abort built a DOMException, stack trace and all, for every proxied
 * answer (about 1% of the gateway's CPU in bench:gateway's hold phase). Same outcome: the body
 * streams with back-pressure; a broken body destroys `res`; `res` closed early destroys the
 * body; `done` is called once, with the error if there was one.
 */
function pipeBody(body: Readable, res: ServerResponse, done: (error: Error | null) => void): void {
  body.on('error', (error) => res.destroy(error));
  finished(res, (error) => {
    if (error) body.destroy();
    done(error ?? null);
  });
  body.pipe(res);
}

function answer(call: UpstreamCall, problem: HttpProblem): void {
  // Headers already relayed from the upstream: too late for a problem, cut the response.
  if (call.res.headersSent) {
    call.res.destroy();
    return;
  }
  call.fail(problem);
}

/** express's `res.vary` (the `vary` package: merges, never duplicates), on a response express may not have seen. */
function addVary(res: ServerResponse, field: string): void {
  (express.response.vary as (this: ServerResponse, field: string) => unknown).call(res, field);
}
