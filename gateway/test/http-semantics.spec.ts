import { expect } from 'chai';
import type { ServiceProcess } from '@concert/infra/testing';
import {
  deleteRedisPrefix,
  InProcessGateway,
  portBlock,
  requestsServed,
  runId,
  send,
  startUpstream,
  token,
  type Answer,
} from './gateway-harness.js';

/**
 * HTTP semantics at the edge: a known path asked with another method is 405 with `Allow`,
 * OPTIONS is answered, browsers on the origins of CORS_ORIGINS get real preflights and may
 * read the headers the API speaks in; every 201 names what it created in `Location`; reads
 * carry `Cache-Control` and revalidate with their ETag through the gateway.
 */
describe('gateway: HTTP semantics (405, OPTIONS, CORS, Location, caching)', function () {
  this.timeout(120_000);
  const run = runId();
  const [commandPort, queryPort] = portBlock(2);
  const allowedOrigin = 'https://tickets.example.com';
  const env = {
    REDIS_KEY_PREFIX: `test:gw-http:${run}:`,
    COMMAND_API_URLS: `http://127.0.0.1:${commandPort}`,
    QUERY_API_URLS: `http://127.0.0.1:${queryPort}`,
    AUTH_DEV_LOGIN: 'true',
  };
  let upstreams: ServiceProcess[] = [];
  /** CORS_ORIGINS set to one page's origin (and a second one). */
  let gateway: InProcessGateway;
  /** CORS_ORIGINS left at its default (none). */
  let plain: InProcessGateway;

  before(async () => {
    // One at a time: on a loaded machine, processes compiling TypeScript at once each start slower.
    upstreams = [await startUpstream('command-api', commandPort!, env)];
    upstreams.push(await startUpstream('query-api', queryPort!, env));
    gateway = await new InProcessGateway({
      ...env,
      CORS_ORIGINS: `${allowedOrigin}, http://127.0.0.1:5173`,
    }).start();
    plain = await new InProcessGateway(env).start();
  });

  after(async () => {
    await Promise.all([gateway?.close(), plain?.close()]);
    await Promise.all(upstreams.map((service) => service.stop()));
    if (gateway) await deleteRedisPrefix(gateway.config, env.REDIS_KEY_PREFIX);
  });

  const fan = (): string => token(gateway.config, `fan-${run}`);
  const admin = (): string => token(gateway.config, `admin-${run}`, ['admin']);
  const served = (): Promise<number[]> => Promise.all(upstreams.map((service) => requestsServed(service.url)));
  const varyOf = (answer: Answer | Response): string[] =>
    (answer.headers.get('vary') ?? '').split(',').map((field) => field.trim().toLowerCase());
  const corsHeadersOf = (answer: Answer): string[] =>
    [...answer.headers.keys()].filter((name) => name.startsWith('access-control-'));
  const preflight = (url: string, path: string, origin: string, method: string): Promise<Answer> =>
    send('OPTIONS', `${url}${path}`, {
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type,queue-token,idempotency-key',
      },
    });

  describe('Given a known path and a method it does not take', () => {
    it('When a client sends it, Then 405 method-not-allowed problem+json with Allow, and nothing is forwarded', async () => {
      const before = await served();
      const cases: Array<[string, string, string]> = [
        ['POST', '/concerts', 'GET, HEAD, OPTIONS'],
        ['DELETE', '/reservations/r-1', 'GET, HEAD, OPTIONS'],
        ['GET', '/reservations', 'POST, OPTIONS'],
        ['PUT', '/payments', 'POST, OPTIONS'],
        ['GET', '/admin/concerts', 'POST, OPTIONS'],
        ['PATCH', '/me/wallet', 'GET, HEAD, OPTIONS'],
        ['POST', '/queue/entries/e-1', 'GET, HEAD, OPTIONS'],
        ['GET', '/auth/token', 'POST, OPTIONS'],
        ['POST', '/openapi.json', 'GET, HEAD, OPTIONS'],
      ];
      for (const [method, path, allow] of cases) {
        const answer = await send(method, `${gateway.url}${path}`, {
          token: admin(),
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }),
        });
        expect(answer.status, `${method} ${path}: ${answer.text}`).to.equal(405);
        expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect(answer.body).to.include({ status: 405, code: 'method-not-allowed' });
        expect(answer.headers.get('allow'), `${method} ${path}`).to.equal(allow);
      }
      expect(await served()).to.deep.equal(before);
    });

    it('When the path is not known at all, Then it stays 404 not-found', async () => {
      const answer = await send('DELETE', `${gateway.url}/nowhere/at-all`, { token: fan() });
      expect(answer.status).to.equal(404);
      expect(answer.body.code).to.equal('not-found');
    });

    it('When a client asks OPTIONS of a known path without a token, Then 204 with Allow (no body, nothing forwarded)', async () => {
      const before = await served();
      const answer = await send('OPTIONS', `${plain.url}/reservations/r-1/cancel`);
      expect(answer.status).to.equal(204);
      expect(answer.headers.get('allow')).to.equal('POST, OPTIONS');
      expect(answer.text).to.equal('');
      expect(corsHeadersOf(answer)).to.deep.equal([]);
      expect((await send('OPTIONS', `${plain.url}/nowhere`)).status).to.equal(404);
      expect(await served()).to.deep.equal(before);
    });
  });

  describe('Given CORS_ORIGINS lists the origin of a page', () => {
    it('When that page preflights a command, Then 204 allows its method, the API headers and a max age, without a token', async () => {
      const answer = await preflight(gateway.url, '/reservations', allowedOrigin, 'POST');
      expect(answer.status, answer.text).to.equal(204);
      expect(answer.headers.get('access-control-allow-origin')).to.equal(allowedOrigin);
      expect(answer.headers.get('access-control-allow-methods')).to.equal('POST');
      const allowedHeaders = (answer.headers.get('access-control-allow-headers') ?? '').toLowerCase();
      for (const header of ['authorization', 'content-type', 'queue-token', 'idempotency-key', 'x-consistency-token'])
        expect(allowedHeaders).to.include(header);
      expect(answer.headers.get('access-control-max-age')).to.equal('600');
      expect(answer.headers.get('access-control-allow-credentials')).to.equal(null);
      expect(varyOf(answer)).to.include('origin');
    });

    it('When the page preflights a method the path does not take, Then no allow headers (the browser refuses)', async () => {
      const answer = await preflight(gateway.url, '/reservations', allowedOrigin, 'DELETE');
      expect(answer.status).to.equal(204);
      expect(answer.headers.get('access-control-allow-methods')).to.equal(null);
      expect(answer.headers.get('access-control-allow-headers')).to.equal(null);
    });

    it('When another origin preflights, Then no allow headers at all', async () => {
      const answer = await preflight(gateway.url, '/reservations', 'https://evil.example.net', 'POST');
      expect(answer.status).to.equal(204);
      expect(corsHeadersOf(answer)).to.deep.equal([]);
      expect(varyOf(answer)).to.include('origin');
    });

    it('When the page reads, Then the answer allows its origin, exposes the API headers and varies by Origin', async () => {
      const answer = await send('GET', `${gateway.url}/concerts?limit=1`, {
        token: fan(),
        headers: { origin: allowedOrigin },
      });
      expect(answer.status, answer.text).to.equal(200);
      expect(answer.headers.get('access-control-allow-origin')).to.equal(allowedOrigin);
      const exposed = (answer.headers.get('access-control-expose-headers') ?? '').split(', ');
      expect(exposed).to.include.members([
        'X-Consistency-Token',
        'Location',
        'X-Next-Cursor',
        'Link',
        'Retry-After',
        'Idempotent-Replayed',
        'X-Request-Id',
        'ETag',
        'RateLimit',
        'RateLimit-Policy',
      ]);
      expect(varyOf(answer)).to.include('origin');
    });

    it('When the page is refused (no token), Then the problem carries the CORS headers too, so the page can read it', async () => {
      const answer = await send('GET', `${gateway.url}/me/wallet`, { headers: { origin: allowedOrigin } });
      expect(answer.status).to.equal(401);
      expect(answer.headers.get('access-control-allow-origin')).to.equal(allowedOrigin);
    });

    it('When another origin reads, Then the answer has no CORS headers', async () => {
      const answer = await send('GET', `${gateway.url}/concerts?limit=1`, {
        token: fan(),
        headers: { origin: 'https://evil.example.net' },
      });
      expect(answer.status).to.equal(200);
      expect(corsHeadersOf(answer)).to.deep.equal([]);
      expect(varyOf(answer)).to.include('origin');
    });
  });

  describe('Given CORS_ORIGINS is not set (the default)', () => {
    it('When any page preflights or reads, Then no CORS headers are sent', async () => {
      const pre = await preflight(plain.url, '/reservations', allowedOrigin, 'POST');
      expect(pre.status).to.equal(204);
      expect(corsHeadersOf(pre)).to.deep.equal([]);
      const read = await send('GET', `${plain.url}/concerts?limit=1`, {
        token: fan(),
        headers: { origin: allowedOrigin },
      });
      expect(read.status).to.equal(200);
      expect(corsHeadersOf(read)).to.deep.equal([]);
    });
  });

  describe('Given commands that create something', () => {
    it('When each answers 201, Then Location names a public GET route of what it created', async () => {
      const concert = await send('POST', `${gateway.url}/admin/concerts`, {
        token: admin(),
        body: { title: `HTTP ${run}`, venue: 'Hall' },
      });
      expect(concert.status, concert.text).to.equal(201);
      expect(concert.headers.get('location')).to.equal(`/concerts/${String(concert.body.concertId)}/schedules`);
      const schedule = await send('POST', `${gateway.url}/admin/concerts/${String(concert.body.concertId)}/schedules`, {
        token: admin(),
        body: { startsAt: '2027-09-01T19:00:00.000Z', seats: [{ seatId: 'A-1', grade: 'R', price: 1000 }] },
      });
      expect(schedule.status, schedule.text).to.equal(201);
      expect(schedule.headers.get('location')).to.equal(`/schedules/${String(schedule.body.scheduleId)}/seats`);
      const charge = await send('POST', `${gateway.url}/wallet/charges`, {
        token: fan(),
        body: { amount: 100 },
        headers: { 'idempotency-key': `charge-${run}` },
      });
      expect(charge.status, charge.text).to.equal(201);
      expect(charge.headers.get('location')).to.equal('/me/wallet');
      // Each names a route clients may GET (the end-to-end spec follows them once projected).
      for (const location of [concert, schedule, charge].map((answer) => answer.headers.get('location')!)) {
        const answer = await send('GET', `${gateway.url}${location}`, { token: fan() });
        expect([200, 404], `${location}: ${answer.text}`).to.include(answer.status);
        if (answer.status === 404) expect(answer.body.code, location).to.not.equal('not-found');
      }
    });
  });

  describe('Given reads through the gateway', () => {
    it('When a client reads the catalog or its own data, Then Cache-Control says who may keep it, and an unchanged catalog read revalidates to 304', async () => {
      const catalog = await send('GET', `${gateway.url}/concerts?limit=5`, { token: fan() });
      expect(catalog.status).to.equal(200);
      expect(catalog.headers.get('cache-control')).to.equal('no-cache');
      const etag = catalog.headers.get('etag');
      expect(etag).to.be.a('string');
      const again = await send('GET', `${gateway.url}/concerts?limit=5`, {
        token: fan(),
        // As a browser revalidates; fetch would otherwise add `Cache-Control: no-cache` (an end-to-end reload).
        headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' },
      });
      expect(again.status).to.equal(304);
      expect(again.text).to.equal('');
      const own = await send('GET', `${gateway.url}/me/wallet`, { token: fan() });
      expect(own.status).to.equal(200);
      expect(own.headers.get('cache-control')).to.equal('private, no-cache');
    });
  });
});
