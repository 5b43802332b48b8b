import { expect } from 'chai';
import { buildWeb } from '@concert/web/build';
import { deleteRedisPrefix, InProcessGateway, runId, send, token } from './gateway-harness.js';

/**
 * The buyer page and the ops console are static files the gateway serves to anyone; the
 * console's data endpoint is admin-only, like every /admin route of the allow-list.
 */
describe('Given a gateway with the pages built', function () {
  this.timeout(60_000);
  const run = runId();
  // Port 9 (discard): nothing answers there.
  const env = {
    REDIS_KEY_PREFIX: `test:gw-web:${run}:`,
    COMMAND_API_URLS: 'http://127.0.0.1:9',
    QUERY_API_URLS: 'http://127.0.0.1:9',
    PROJECTORS_URLS: 'http://127.0.0.1:9',
    WORKERS_URLS: 'http://127.0.0.1:9',
  };
  let gateway: InProcessGateway;

  before(async () => {
    await buildWeb();
    gateway = await new InProcessGateway(env).start();
  });

  after(async () => {
    await gateway?.close();
    if (gateway) await deleteRedisPrefix(gateway.config, env.REDIS_KEY_PREFIX);
  });

  it('When anyone asks for / and /console, Then each is an HTML page whose script and style the gateway serves, under a same-origin CSP', async () => {
    for (const [path, bundle] of [
      ['/', 'buyer'],
      ['/console', 'console'],
    ] as const) {
      const page = await fetch(`${gateway.url}${path}`);
      expect(page.status, path).to.equal(200);
      expect(page.headers.get('content-type')).to.match(/^text\/html/);
      expect(page.headers.get('content-security-policy')).to.include("default-src 'self'");
      const html = await page.text();
      for (const asset of [`/assets/${bundle}.js`, `/assets/${bundle}.css`]) {
        expect(html).to.include(asset);
        const answer = await fetch(`${gateway.url}${asset}`);
        expect(answer.status, asset).to.equal(200);
        expect((await answer.arrayBuffer()).byteLength, asset).to.be.greaterThan(100);
      }
      // Nothing from another origin: the page works offline from the gateway alone.
      expect(html).to.not.match(/(src|href)="(https?:)?\/\//);
    }
  });

  it('When a path near the pages is asked for, Then it is a 404 problem, as any path off the allow-list', async () => {
    for (const path of ['/assets/nope.js', '/console/', '/Console', '/index.html', '/assets/../package.json']) {
      const answer = await send('GET', `${gateway.url}${path}`);
      expect(answer.status, path).to.equal(404);
      expect(answer.headers.get('content-type'), path).to.match(/^application\/problem\+json/);
    }
  });

  it('When the console data is asked for without a token, or with a fan token, Then 401 and 403, and the parked retry likewise', async () => {
    expect((await send('GET', `${gateway.url}/admin/console/snapshot`)).status).to.equal(401);
    const fan = token(gateway.config, `fan-${run}`);
    expect((await send('GET', `${gateway.url}/admin/console/snapshot`, { token: fan })).body).to.include({
      status: 403,
      code: 'forbidden',
    });
    expect((await send('POST', `${gateway.url}/admin/console/parked/1/retry`, { token: fan })).status).to.equal(403);
  });

  it('When an admin asks for the snapshot and nothing answers behind the gateway, Then it is still 200, saying which processes are down', async () => {
    const admin = token(gateway.config, `admin-${run}`, ['admin']);
    const answer = await send('GET', `${gateway.url}/admin/console/snapshot`, { token: admin });
    expect(answer.status, answer.text).to.equal(200);
    const processes = answer.body.processes as { kind: string; ready: boolean }[];
    expect(processes.map((p) => p.kind)).to.include.members([
      'gateway',
      'command-api',
      'query-api',
      'projectors',
      'workers',
    ]);
    expect(processes.filter((p) => p.kind !== 'gateway').every((p) => !p.ready)).to.equal(true);
    expect(answer.body.concerts).to.have.property('error');
    expect(answer.body.projections).to.have.property('error');
  });
});
