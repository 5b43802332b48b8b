import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, createLogger, createMetricsRegistry, serve, type RunningServer } from '@concert/infra';
import { waitFor } from '@concert/infra/testing';
import { expect } from 'chai';
import { createGatewayMetrics } from '../../src/gateway-metrics.js';
import { proxyToUpstream } from '../../src/upstream/proxy-to-upstream.js';
import { UpstreamPool } from '../../src/upstream/upstream-pool.js';

/** What the upstream instance received: its headers and the body's exact bytes. */
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('gateway: the proxy to an upstream instance', function () {
  this.timeout(20_000);
  const received: Received[] = [];
  /** Requests for `/slow` whose connection the gateway closed before they were answered. */
  let slowGivenUp = 0;
  let upstream: Server;
  let gateway: RunningServer;
  let pool: UpstreamPool;

  before(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        if (req.url === '/big') {
          // Larger than any socket buffer: the gateway must stream it with back-pressure.
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          for (let i = 0; i < 64; i++) res.write(bigChunk(i));
          res.end();
          return;
        }
        if (req.url === '/slow') {
          // Answers after a second, unless the gateway gave the request up before.
          res.once('close', () => {
            if (!res.writableFinished) slowGivenUp += 1;
          });
          setTimeout(() => {
            if (!res.destroyed) res.end('{"late":true}');
          }, 1000);
          return;
        }
        if (req.url === '/broken') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
          res.write('{"partial":');
          setTimeout(() => res.socket?.destroy(), 50);
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json', location: '/things/1', 'x-upstream': 'yes' });
        res.write('{"answer":');
        res.end('42}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const logger = createLogger({ LOG_LEVEL: 'silent' }, 'proxy-test');
    const registry = createMetricsRegistry();
    pool = new UpstreamPool({ kind: 'command-api', urls: [url], intervalMs: 60_000 });
    const proxy = proxyToUpstream({ pool, timeoutMs: 2000, metrics: createGatewayMetrics(registry, [pool]), logger });
    const app = createApp({ logger, registry, keepRawBody: true, routes: (routes) => routes.use(proxy) });
    gateway = await serve(app, 0, { logger, host: '127.0.0.1' });
  });

  after(async () => {
    await gateway?.close();
    await pool?.stop();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it('When a command is proxied, Then the upstream gets the exact body bytes, the request id and the path, and the client gets its answer unchanged', async () => {
    const body = '{ "b": 2,   "a": [1, 2] }';
    const answer = await fetch(`http://127.0.0.1:${gateway.port}/reservations?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'proxy-spec-1', authorization: 'Bearer t' },
      body,
    });
    expect(answer.status).to.equal(201);
    expect(answer.headers.get('location')).to.equal('/things/1');
    expect(answer.headers.get('x-upstream')).to.equal('yes');
    expect(await answer.text()).to.equal('{"answer":42}');
    const seen = received.at(-1)!;
    expect(seen).to.deep.include({ method: 'POST', url: '/reservations?x=1', body });
    expect(seen.headers['x-request-id']).to.equal('proxy-spec-1');
    expect(seen.headers.authorization).to.equal('Bearer t');
    expect(seen.headers['content-length']).to.equal(String(Buffer.byteLength(body)));
  });

  it('When the upstream answers a large body, Then the client gets every byte in order', async () => {
    const answer = await fetch(`http://127.0.0.1:${gateway.port}/big`);
    const bytes = Buffer.from(await answer.arrayBuffer());
    expect(answer.status).to.equal(200);
    expect(bytes.equals(Buffer.concat(Array.from({ length: 64 }, (_, i) => bigChunk(i))))).to.equal(true);
  });

  it('When the upstream breaks off in the middle of the body, Then the client sees the answer cut, not a hang, and the next request is answered', async () => {
    const answer = await fetch(`http://127.0.0.1:${gateway.port}/broken`, { signal: AbortSignal.timeout(5000) });
    expect(answer.status).to.equal(200);
    const reading = await answer.text().then(
      () => 'complete',
      (error: Error) => (error.name === 'TimeoutError' ? 'hung' : 'cut'),
    );
    expect(reading).to.equal('cut');

    const next = await fetch(`http://127.0.0.1:${gateway.port}/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(next.status).to.equal(201);
    await next.text();
  });

  it('When the client leaves before the upstream answers, Then the gateway gives up the upstream request (the command goes on there, its answer is dropped) and the next request is answered', async () => {
    const leaving = await fetch(`http://127.0.0.1:${gateway.port}/slow`, { signal: AbortSignal.timeout(200) }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(leaving).to.equal('TimeoutError');
    await waitFor('the upstream request given up', () => slowGivenUp === 1, 2000, 20);

    const next = await fetch(`http://127.0.0.1:${gateway.port}/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(next.status).to.equal(201);
    await next.text();
  });

  it("When a client sends X-Verified-Queue-Concert itself, Then the upstream never sees it (only the gateway's own check sets it)", async () => {
    await fetch(`http://127.0.0.1:${gateway.port}/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-verified-queue-concert': 'forged-concert' },
      body: '{}',
    });
    await fetch(`http://127.0.0.1:${gateway.port}/concerts`, {
      headers: { 'X-Verified-Queue-Concert': 'forged-concert' },
    });
    const [post, get] = received.slice(-2);
    expect(post!.headers).not.to.have.property('x-verified-queue-concert');
    expect(get!.headers).not.to.have.property('x-verified-queue-concert');
  });
});

/** 32 KiB of a byte pattern that differs per chunk, so a lost or reordered chunk shows. */
function bigChunk(i: number): Buffer {
  return Buffer.alloc(32 * 1024, `chunk ${i};`);
}
