import { expect } from 'chai';
import { InProcessGateway, metricValue, runId, send } from './gateway-harness.js';
import { freePort } from '@concert/infra/testing';

/**
 * The gateway's operational endpoints are not the public's: /metrics and the detailed /ready
 * are served on GATEWAY_ADMIN_PORT only; the public port answers /ready with its status alone.
 */
describe('Given a gateway with its public and admin ports', function () {
  this.timeout(30_000);
  const run = runId();
  let gateway: InProcessGateway;

  before(async () => {
    // A port nobody listens on (fetch refuses the well-known ones like 1 and 9 outright).
    const nobody = `http://127.0.0.1:${await freePort()}`;
    gateway = await new InProcessGateway({
      REDIS_KEY_PREFIX: `test:gw-admin:${run}:`,
      COMMAND_API_URLS: nobody,
      QUERY_API_URLS: nobody,
    }).start();
    await gateway.untilRedisAnswers();
  });

  after(async () => {
    await gateway?.close();
  });

  it('When the public asks for /metrics, Then 404; the admin port serves them', async () => {
    const publicMetrics = await send('GET', `${gateway.url}/metrics`);
    expect(publicMetrics.status).to.equal(404);
    const adminMetrics = await fetch(`${gateway.adminUrl}/metrics`);
    expect(adminMetrics.status).to.equal(200);
    expect(metricValue(await adminMetrics.text(), 'gateway_upstream_healthy', { kind: 'command-api' })).to.be.a(
      'number',
    );
  });

  it('When the public asks for /ready, Then only the status comes back; the admin port names each check', async () => {
    const adminReady = await send('GET', `${gateway.adminUrl}/ready`);
    expect(adminReady.status).to.equal(503); // no upstream listens
    expect(adminReady.body.checks).to.have.keys('redis', 'idempotencyDatabase', 'commandApi', 'queryApi');
    expect(adminReady.body.checks)
      .to.have.property('commandApi')
      .that.matches(/no healthy instance/);
    const publicReady = await send('GET', `${gateway.url}/ready`);
    expect(publicReady.status).to.equal(503);
    expect(publicReady.body).to.deep.equal({ status: 'unavailable' });
    expect((await send('GET', `${gateway.url}/health`)).status).to.equal(200);
  });
});
