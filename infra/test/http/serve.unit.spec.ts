import { expect } from 'chai';
import { connect } from 'node:net';
import { request } from 'node:http';
import { createApp } from '../../src/http/create-app.js';
import { serve, type RunningServer } from '../../src/http/serve.js';
import { createMetricsRegistry } from '../../src/metrics/metrics.js';
import { silentLogger } from './start-app.js';

/** Resolves with the connection error code, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** A GET on a kept-alive connection of its own, so the test controls which socket is reused. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { connection: 'keep-alive' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('HTTP: serving and graceful shutdown', () => {
  let running: RunningServer;
  const shutdownSteps: string[] = [];
  beforeEach(async () => {
    shutdownSteps.length = 0;
    const app = createApp({
      logger: silentLogger,
      registry: createMetricsRegistry(),
      routes: (app) => {
        app.get('/slow', async (_req, res) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          shutdownSteps.push('slow request answered');
          res.json({ done: true });
        });
      },
    });
    running = await serve(app, 0, {
      logger: silentLogger,
      host: '127.0.0.1',
      onShutdown: async () => {
        shutdownSteps.push('clients closed');
      },
    });
  });
  afterEach(() => running.close());

  it('When asked for port 0, Then it listens on an ephemeral port and reports it', async () => {
    expect(running.port).to.be.above(0);
    expect((await get(running.port, '/health')).status).to.equal(200);
  });

  it('When shutdown starts, Then an in-flight slow request completes while a new connection is refused', async () => {
    const inFlight = get(running.port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = running.close();

    expect(await tryConnect(running.port)).to.equal('ECONNREFUSED');
    expect(await inFlight).to.deep.equal({ status: 200, body: '{"done":true}' });
    await closed;
    expect(shutdownSteps).to.deep.equal(['slow request answered', 'clients closed']);
  });

  it('When shutdown starts while a readiness probe runs, Then the probe answers 503', async () => {
    let checkStarted!: () => void;
    let releaseCheck!: () => void;
    const started = new Promise<void>((resolve) => (checkStarted = resolve));
    const app = createApp({
      logger: silentLogger,
      registry: createMetricsRegistry(),
      readinessChecks: {
        postgres: () => {
          checkStarted();
          return new Promise<void>((resolve) => (releaseCheck = resolve));
        },
      },
      routes: () => {},
    });
    const probed = await serve(app, 0, { logger: silentLogger, host: '127.0.0.1' });
    const probe = get(probed.port, '/ready');
    await started;
    const closed = probed.close();
    releaseCheck();
    const { status, body } = await probe;
    expect(status).to.equal(503);
    expect(JSON.parse(body)).to.deep.equal({
      status: 'unavailable',
      checks: { postgres: 'ok', shutdown: 'shutting down' },
    });
    await closed;
  });

  it('When an in-flight request outlives the shutdown timeout, Then its connection is cut and shutdown completes', async () => {
    const app = createApp({
      logger: silentLogger,
      registry: createMetricsRegistry(),
      routes: (app) => {
        app.get('/stuck', () => new Promise<void>(() => {}));
      },
    });
    let clientsClosed = false;
    const stuck = await serve(app, 0, {
      logger: silentLogger,
      host: '127.0.0.1',
      shutdownTimeoutMs: 100,
      onShutdown: async () => {
        clientsClosed = true;
      },
    });
    const request = get(stuck.port, '/stuck').then(
      () => 'answered',
      (error: NodeJS.ErrnoException) => error.code ?? error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await stuck.close();
    expect(Date.now() - started).to.be.below(1000);
    expect(await request).to.equal('ECONNRESET');
    expect(clientsClosed).to.equal(true);
  });

  it('When close is called twice, Then the second call waits for the same shutdown', async () => {
    const first = running.close();
    const second = running.close();
    expect(second).to.equal(first);
    await first;
    expect(shutdownSteps).to.deep.equal(['clients closed']);
  });
});
