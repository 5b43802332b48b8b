import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { markShuttingDown } from './shutdown-state.js';

export interface ServeOptions {
  logger: Logger;
  /** Closes the clients (pools, Redis, NATS) once no request can use them any more. */
  onShutdown?: () => Promise<void>;
  /** Shut down gracefully and exit on SIGTERM/SIGINT; off for servers started by tests. */
  handleSignals?: boolean;
  /** How long in-flight requests may take to finish before their connections are cut. */
  shutdownTimeoutMs?: number;
  host?: string;
}

export interface RunningServer {
  /** The bound port; differs from the requested one when that was 0. */
  port: number;
  server: Server;
  /** Graceful shutdown; idempotent, so a signal and a test may both call it. */
  close(): Promise<void>;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Keep-alive connections turn idle whenever their in-flight request ends; reap them often. */
const IDLE_REAP_INTERVAL_MS = 50;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/**
 * An idle keep-alive connection is kept longer than any of our clients keeps one (the gateway's
 * upstream pools: 4 s; Node's default here would be 5 s), so it is the client that closes it:
 * a server closing first races a request being written into that socket (an ECONNRESET, a 502).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export async function serve(app: RequestListener, port: number, options: ServeOptions): Promise<RunningServer> {
  const { logger } = options;
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, app);
  // A connection waiting for its next request's headers is idle, not slow.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  await listen(server, port, options.host);
  const boundPort = (server.address() as AddressInfo).port;
  logger.info({ port: boundPort }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= shutDown(app, server, options).finally(removeSignalHandlers);
    return closing;
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      // A second signal means the operator will not wait for the drain.
      logger.warn({ signal }, 'second signal during shutdown, exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  function removeSignalHandlers(): void {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
  if (options.handleSignals) for (const signal of SIGNALS) process.on(signal, onSignal);

  return { port: boundPort, server, close };
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function shutDown(app: object, server: Server, options: ServeOptions): Promise<void> {
  const timeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  markShuttingDown(app);

  // Stops accepting at once; resolves when the last connection has ended.
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  const reaper = setInterval(() => server.closeIdleConnections(), IDLE_REAP_INTERVAL_MS);
  server.closeIdleConnections();
  let deadline: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    deadline = setTimeout(() => resolve('expired'), timeoutMs);
  });
  try {
    if ((await Promise.race([drained, expired])) === 'expired') {
      options.logger.warn({ timeoutMs }, 'in-flight requests outlived the shutdown timeout, closing their connections');
      server.closeAllConnections();
      await drained;
    }
  } finally {
    clearInterval(reaper);
    clearTimeout(deadline);
  }

  await options.onShutdown?.();
  options.logger.info('shut down');
}
