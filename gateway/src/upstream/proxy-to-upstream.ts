import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
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
    const raw = call.body;
    pool.dispatcherOf(target).dispatch(
      {
        path: call.target,
        method: req.method as Dispatcher.HttpMethod,
        headers: forwardedHeaders(call),
        body: raw !== undefined && raw.length > 0 ? raw : null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      new RelayToClient(res, {
        answered: (statusCode) =>
          metrics.upstreamResponses.inc({ kind: pool.kind, status_class: `${String(statusCode).charAt(0)}xx` }),
        failed: (error) => onError(error, target, call, tried),
        brokeOff: (error) => call.log().warn({ upstream: target, err: error }, 'upstream response broke off'),
      }),
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

interface RelayOutcomes {
  /** The upstream's status line arrived (a final one, not 1xx). */
  answered: (statusCode: number) => void;
  /** The hop failed before any of the upstream's answer was relayed: the caller answers or retries. */
  failed: (error: NodeJS.ErrnoException) => void;
  /** The upstream's answer broke off after it began: the client's response was cut. */
  brokeOff: (error: Error) => void;
}

/**
 * The upstream's answer relayed to the client as undici hands it over (its dispatch handler):
 * status and headers through `res`'s own setHeader/writeHead, the body chunk by chunk through
 * `res.write` (pausing the upstream while `res` is full), then `res.end`, so that a stage
 * wrapping them (the Idempotency-Key capture) sees the response. Where `request` built a body
 * stream, an AbortSignal and a pipe with its listeners for every answer (undici and stream
 * internals were about a tenth of the gateway's busy time in bench:gateway's holds), this
 * writes straight through. A client that leaves aborts the upstream request: the command goes
 * on upstream (it is not undone), its answer is dropped.
 */
class RelayToClient implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private started = false;
  private clientGone = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly outcomes: RelayOutcomes,
  ) {
    res.once('close', this.onClientClose);
  }

  private readonly onClientClose = (): void => {
    if (this.res.writableFinished) return;
    this.clientGone = true;
    this.controller?.abort(new Error('the client closed the connection'));
  };

  private readonly onDrain = (): void => this.controller?.resume();

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new Error('the client closed the connection'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return;
    this.started = true;
    this.outcomes.answered(statusCode);
    const { res } = this;
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      if (value === undefined || NOT_RETURNED.has(name)) continue;
      // Added to the gateway's own (Vary: Origin under CORS), not put in its place.
      if (name === 'vary') addVary(res, Array.isArray(value) ? value.join(', ') : value);
      else res.setHeader(name, value);
    }
    res.writeHead(statusCode);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.write(chunk)) return;
    controller.pause();
    this.res.once('drain', this.onDrain);
  }

  onResponseEnd(): void {
    this.res.off('close', this.onClientClose);
    this.res.off('drain', this.onDrain);
    this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const { res } = this;
    res.off('close', this.onClientClose);
    res.off('drain', this.onDrain);
    if (this.clientGone) return;
    if (!this.started) {
      this.outcomes.failed(error as NodeJS.ErrnoException);
      return;
    }
    this.outcomes.brokeOff(error);
    res.destroy(error);
  }
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
