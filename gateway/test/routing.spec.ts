import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import { waitFor, type ServiceProcess } from '@concert/infra/testing';
import {
  deleteRedisPrefix,
  InProcessGateway,
  metricValue,
  portBlock,
  requestsServed,
  runId,
  send,
  startUpstream,
  token,
} from './gateway-harness.js';

/**
 * Routing over several instances: only the public API is reachable, a dead instance leaves
 * the rotation and comes back, a read survives an instance that died unnoticed, and the
 * gateway's own failures are problem+json with their codes.
 */
describe('gateway: routing to upstream instances', function () {
  this.timeout(120_000);
  const run = runId();
  const [commandPort, queryPortA, queryPortB, deadPort] = portBlock(4);
  const queryUrls = [`http://127.0.0.1:${queryPortA}`, `http://127.0.0.1:${queryPortB}`];
  const env = {
    REDIS_KEY_PREFIX: `test:gw-routing:${run}:`,
    COMMAND_API_URLS: `http://127.0.0.1:${commandPort}`,
    QUERY_API_URLS: queryUrls.join(','),
  };
  let command: ServiceProcess;
  const queries: ServiceProcess[] = [];
  /** Probes often: shows instances leaving and rejoining the rotation. */
  let watchful: InProcessGateway;
  /** Probes once a minute: only a failed request can tell it an instance died. */
  let unaware: InProcessGateway;

  before(async () => {
    // One at a time: on a loaded machine, processes compiling TypeScript at once each start slower.
    command = await startUpstream('command-api', commandPort!, env);
    queries[0] = await startUpstream('query-api', queryPortA!, env);
    queries[1] = await startUpstream('query-api', queryPortB!, env);
    watchful = await new InProcessGateway({ ...env, GATEWAY_HEALTH_CHECK_INTERVAL_MS: '200' }).start();
    unaware = await new InProcessGateway({ ...env, GATEWAY_HEALTH_CHECK_INTERVAL_MS: '60000' }).start();
  });

  after(async () => {
    await Promise.all([watchful?.close(), unaware?.close()]);
    await Promise.all([command, ...queries].filter(Boolean).map((service) => service.stop()));
    if (watchful) await deleteRedisPrefix(watchful.config, env.REDIS_KEY_PREFIX);
  });

  const fan = (): string => token(watchful.config, `fan-${run}`);
  const system = (): string => token(watchful.config, `system-${run}`, ['system', 'admin']);
  const healthyGauge = async (gateway: InProcessGateway, url: string): Promise<number | undefined> =>
    metricValue(await (await fetch(`${gateway.adminUrl}/metrics`)).text(), 'gateway_upstream_healthy', {
      upstream: url,
    });

  it('When a client asks for an internal endpoint of an upstream or a variant of a public path, Then 404 problem+json and nothing is forwarded', async () => {
    const before = await Promise.all([command, ...queries].map((service) => requestsServed(service.url)));
    const internal = [
      ['POST', '/internal/reservations/r-1/expire'],
      ['POST', '/internal/seats/s-1/A-1/release'],
      ['POST', '/internal/payments/r-1/resume'],
      ['GET', '/schedules/s-1'],
      ['GET', '/projections'],
      ['POST', '/admin/projections/catalog/rebuild'],
      ['GET', '/reservations/r-1/../../internal/payments/r-1/resume'],
      // Variants express would route to the same upstream handler, past stages that compare paths.
      ['POST', '/reservations/'],
      ['POST', '/Payments'],
      ['GET', '/ME/wallet'],
    ];
    for (const [method, path] of internal) {
      const answer = await send(method!, `${watchful.url}${path}`, {
        token: system(),
        ...(method === 'POST' ? { body: {} } : {}),
      });
      expect(answer.status, `${method} ${path}`).to.equal(404);
      expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(answer.body.code).to.equal('not-found');
    }
    const after = await Promise.all([command, ...queries].map((service) => requestsServed(service.url)));
    expect(after).to.deep.equal(before);
  });

  it("When a client asks for /health, /ready or /metrics, Then the gateway answers with its own, not an upstream's (the details on its admin port)", async () => {
    const publicReady = await send('GET', `${watchful.url}/ready`);
    expect(publicReady.status).to.equal(200);
    expect(publicReady.body).to.deep.equal({ status: 'ready' });
    const ready = await send('GET', `${watchful.adminUrl}/ready`);
    expect(ready.status).to.equal(200);
    expect(ready.body.checks).to.deep.equal({
      redis: 'ok',
      idempotencyDatabase: 'ok',
      commandApi: 'ok',
      queryApi: 'ok',
    });
    expect((await send('GET', `${watchful.url}/metrics`)).status).to.equal(404);
    const metrics = await (await fetch(`${watchful.adminUrl}/metrics`)).text();
    expect(metrics).to.include('gateway_upstream_healthy');
    expect(metrics).not.to.include('command_');
  });

  it('When a request comes without X-Request-Id, Then one is generated and echoed; an id the client sent is kept', async () => {
    const generated = await send('GET', `${watchful.url}/me/wallet`, { token: fan() });
    expect(generated.status).to.equal(200);
    expect(generated.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const kept = await send('GET', `${watchful.url}/me/wallet`, {
      token: fan(),
      headers: { 'x-request-id': `client-${run}` },
    });
    expect(kept.headers.get('x-request-id')).to.equal(`client-${run}`);
  });

  it('When reads arrive, Then they are spread over both query-api instances', async () => {
    const before = await Promise.all(queries.map((service) => requestsServed(service.url)));
    for (let i = 0; i < 6; i++)
      expect((await send('GET', `${watchful.url}/me/wallet`, { token: fan() })).status).to.equal(200);
    const after = await Promise.all(queries.map((service) => requestsServed(service.url)));
    expect(after[0]! - before[0]!).to.equal(3);
    expect(after[1]! - before[1]!).to.equal(3);
  });

  it('When an instance dies unnoticed, Then the read that meets it is retried on the other instance and the dead one leaves the rotation', async () => {
    await queries[1]!.kill();
    const retriesBefore =
      metricValue(await (await fetch(`${unaware.adminUrl}/metrics`)).text(), 'gateway_upstream_retries_total', {
        kind: 'query-api',
      }) ?? 0;
    for (let i = 0; i < 4; i++) {
      const answer = await send('GET', `${unaware.url}/me/wallet`, { token: fan() });
      expect(answer.status).to.equal(200);
    }
    const metrics = await (await fetch(`${unaware.adminUrl}/metrics`)).text();
    expect(metricValue(metrics, 'gateway_upstream_retries_total', { kind: 'query-api' })).to.equal(retriesBefore + 1);
    expect(await healthyGauge(unaware, queryUrls[1]!)).to.equal(0);
  });

  it('When an instance is down, Then the probing gateway takes it out within seconds and puts it back when it is healthy again', async () => {
    await waitFor(
      'the dead instance to leave the rotation',
      async () => (await healthyGauge(watchful, queryUrls[1]!)) === 0,
      10_000,
      100,
    );
    for (let i = 0; i < 4; i++)
      expect((await send('GET', `${watchful.url}/me/wallet`, { token: fan() })).status).to.equal(200);

    queries[1] = await startUpstream('query-api', queryPortB!, env);
    await waitFor(
      'the instance to rejoin the rotation',
      async () => (await healthyGauge(watchful, queryUrls[1]!)) === 1,
      10_000,
      100,
    );
    const before = await requestsServed(queries[1].url);
    for (let i = 0; i < 4; i++)
      expect((await send('GET', `${watchful.url}/me/wallet`, { token: fan() })).status).to.equal(200);
    expect((await requestsServed(queries[1].url)) - before).to.equal(2);
  });

  describe('when no instance can answer', () => {
    let blackHole: Server;
    let stranded: InProcessGateway;

    before(async () => {
      // Passes its readiness probes, then never answers a request: an instance hung mid-request.
      blackHole = createServer((req, res) => {
        if (req.url === '/ready') res.end('{"status":"ready"}');
      });
      await new Promise<void>((resolve) => blackHole.listen(deadPort, '127.0.0.1', resolve));
      stranded = await new InProcessGateway({
        ...env,
        GATEWAY_UPSTREAM_TIMEOUT_MS: '500',
        GATEWAY_HEALTH_CHECK_INTERVAL_MS: '60000',
        COMMAND_API_URLS: `http://127.0.0.1:${deadPort}`,
        QUERY_API_URLS: 'http://127.0.0.1:1',
      }).start();
    });

    after(async () => {
      await stranded?.close();
      blackHole?.closeAllConnections();
      await new Promise((resolve) => blackHole?.close(resolve));
    });

    it('When every instance of a kind is down, Then 503 unavailable with Retry-After', async () => {
      const answer = await send('GET', `${stranded.url}/me/wallet`, { token: fan() });
      expect(answer.status).to.equal(503);
      expect(answer.body.code).to.equal('unavailable');
      expect(answer.headers.get('retry-after')).to.equal('1');
      const ready = await send('GET', `${stranded.adminUrl}/ready`);
      expect(ready.status).to.equal(503);
      expect(ready.body.checks)
        .to.have.property('queryApi')
        .that.matches(/no healthy instance/);
    });

    it('When the instance does not answer in time, Then 504 upstream-timeout, and the Idempotency-Key stays in flight', async () => {
      const charge = () =>
        send('POST', `${stranded.url}/wallet/charges`, {
          token: fan(),
          body: { amount: 100 },
          headers: { 'idempotency-key': `timeout-${run}` },
        });
      const answer = await charge();
      expect(answer.status).to.equal(504);
      expect(answer.body.code).to.equal('upstream-timeout');
      // The command may still be running: the key stays in flight, a retry does not run it again.
      const retried = await charge();
      expect(retried.status).to.equal(409);
      expect(retried.body.code).to.equal('idempotency-key-in-use');
    });
  });
});
