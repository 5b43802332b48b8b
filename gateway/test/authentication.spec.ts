import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { ServiceProcess } from '@concert/infra/testing';
import jwt from 'jsonwebtoken';
import {
  deleteRedisPrefix,
  InProcessGateway,
  portBlock,
  requestsServed,
  runId,
  send,
  startUpstream,
  token,
} from './gateway-harness.js';

/**
 * The gateway verifies the bearer token before it forwards anything: a bad token is a 401
 * `unauthenticated` at the edge, and the upstream never sees the request.
 */
describe('gateway: authentication at the edge', function () {
  this.timeout(90_000);
  const run = runId();
  const [commandPort, queryPort] = portBlock(2);
  const secret = 'gateway-test-secret-0123456789';
  const audience = 'concert-api';
  const env = {
    JWT_SECRET: secret,
    JWT_AUDIENCE: audience,
    REDIS_KEY_PREFIX: `test:gw-auth:${run}:`,
    COMMAND_API_URLS: `http://127.0.0.1:${commandPort}`,
    QUERY_API_URLS: `http://127.0.0.1:${queryPort}`,
  };
  let upstreams: ServiceProcess[] = [];
  let gateway: InProcessGateway;

  before(async () => {
    upstreams = await Promise.all([
      startUpstream('command-api', commandPort!, env),
      startUpstream('query-api', queryPort!, env),
    ]);
    gateway = await new InProcessGateway(env).start();
  });

  after(async () => {
    await gateway?.close();
    await Promise.all(upstreams.map((service) => service.stop()));
    if (gateway) await deleteRedisPrefix(gateway.config, env.REDIS_KEY_PREFIX);
  });

  const [command, query] = [0, 1];
  const served = (): Promise<number[]> => Promise.all(upstreams.map((service) => requestsServed(service.url)));
  const nowSeconds = (): number => Math.floor(Date.now() / 1000);
  const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

  const badTokens: Record<string, () => string> = {
    forged: () => {
      // A genuine token whose payload was swapped for another user's: the signature no longer matches.
      const [header, , signature] = token(gateway.config, `fan-${run}`).split('.');
      return `${header}.${base64url({ sub: `admin-${run}`, roles: ['admin'], aud: audience, exp: nowSeconds() + 600 })}.${signature}`;
    },
    expired: () => jwt.sign({ roles: [] }, secret, { subject: `fan-${run}`, audience, expiresIn: -3600 }),
    'alg none': () =>
      `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: `fan-${run}`, roles: ['admin'], aud: audience, exp: nowSeconds() + 600 })}.`,
    'wrong secret': () =>
      jwt.sign({ roles: [] }, 'another-secret-0123456789abcdef', { subject: `fan-${run}`, audience, expiresIn: 600 }),
    'wrong audience': () =>
      jwt.sign({ roles: [] }, secret, { subject: `fan-${run}`, audience: 'another-api', expiresIn: 600 }),
    'no expiry': () => jwt.sign({ roles: [], aud: audience }, secret, { subject: `fan-${run}` }),
  };

  for (const [kind, make] of Object.entries(badTokens)) {
    it(`When a read and a command carry a token that is ${kind}, Then both are 401 unauthenticated and no upstream sees them`, async () => {
      const before = await served();
      const bad = make();
      const read = await send('GET', `${gateway.url}/me/wallet`, { token: bad });
      const write = await send('POST', `${gateway.url}/wallet/charges`, {
        token: bad,
        body: { amount: 100 },
        headers: { 'idempotency-key': `k-${run}-${kind}` },
      });
      for (const answer of [read, write]) {
        expect(answer.status).to.equal(401);
        expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
        expect(answer.body.code).to.equal('unauthenticated');
        expect(answer.headers.get('www-authenticate')).to.match(/^Bearer/);
      }
      expect(await served()).to.deep.equal(before);
    });
  }

  it('When no Authorization header is sent, Then 401 and nothing is forwarded', async () => {
    const before = await served();
    const answer = await send('GET', `${gateway.url}/me/reservations`);
    expect(answer.status).to.equal(401);
    expect(answer.body.code).to.equal('unauthenticated');
    expect(await served()).to.deep.equal(before);
  });

  it('When a valid token is sent, Then the request reaches the upstream of its kind with the Authorization header', async () => {
    const before = await served();
    const fan = token(gateway.config, `fan-${run}`);
    const wallet = await send('GET', `${gateway.url}/me/wallet`, { token: fan });
    expect(wallet.status).to.equal(200);
    expect(wallet.body).to.deep.equal({ balance: 0 });
    const after = await served();
    expect(after[query]! - before[query]!).to.equal(1);
    expect(after[command]).to.equal(before[command]);
  });

  it('When a user without the admin role calls an admin route, Then 403 forbidden at the edge', async () => {
    const before = await served();
    const answer = await send('POST', `${gateway.url}/admin/concerts`, {
      token: token(gateway.config, `fan-${run}`),
      body: { title: 'Nope', venue: 'Hall' },
    });
    expect(answer.status).to.equal(403);
    expect(answer.body.code).to.equal('forbidden');
    expect(await served()).to.deep.equal(before);
  });

  it('When a user without the admin role asks for statistics, Then 403 forbidden at the edge; an admin gets them from the query API', async () => {
    const before = await served();
    const path = `/admin/stats/concerts/${randomUUID()}`;
    const refused = await send('GET', `${gateway.url}${path}`, { token: token(gateway.config, `fan-${run}`) });
    expect(refused.status).to.equal(403);
    expect(refused.body.code).to.equal('forbidden');
    expect(await served()).to.deep.equal(before);
    const answered = await send('GET', `${gateway.url}${path}`, {
      token: token(gateway.config, `admin-${run}`, ['admin']),
    });
    expect(answered.status).to.equal(404);
    expect(answered.body.code).to.equal('concert-not-found');
  });

  it('When a user asks for their notifications, Then the query API answers through the gateway', async () => {
    const answer = await send('GET', `${gateway.url}/me/notifications`, { token: token(gateway.config, `fan-${run}`) });
    expect(answer.status).to.equal(200);
    expect(answer.text).to.equal('[]');
  });

  it('When an admin calls an admin route, Then it is forwarded and answered by the command API', async () => {
    const answer = await send('POST', `${gateway.url}/admin/concerts`, {
      token: token(gateway.config, `admin-${run}`, ['admin']),
      body: { title: 'Gateway', venue: 'Hall' },
    });
    expect(answer.status).to.equal(201);
    expect(answer.body.concertId).to.be.a('string');
  });

  it('When dev login is off, Then POST /auth/token is a 404', async () => {
    const answer = await send('POST', `${gateway.url}/auth/token`, { body: { userId: 'someone' } });
    expect(answer.status).to.equal(404);
    expect(answer.body.code).to.equal('not-found');
  });
});

describe('gateway: development login', function () {
  this.timeout(30_000);
  const run = runId();
  let gateway: InProcessGateway;

  before(async () => {
    // No upstream needed: the token is minted by the gateway itself.
    gateway = await new InProcessGateway({
      AUTH_DEV_LOGIN: 'true',
      AUTH_DEV_TOKEN_TTL_S: '120',
      REDIS_KEY_PREFIX: `test:gw-login:${run}:`,
      COMMAND_API_URLS: 'http://127.0.0.1:9',
      QUERY_API_URLS: 'http://127.0.0.1:9',
    }).start();
  });

  after(async () => {
    await gateway?.close();
  });

  it('When dev login is on, Then POST /auth/token mints a token the gateway accepts, with the roles asked for', async () => {
    const answer = await send('POST', `${gateway.url}/auth/token`, {
      body: { userId: `fan-${run}`, roles: ['admin'] },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.expiresIn).to.equal(120);
    const claims = gateway.deps!.verifier.verify(String(answer.body.accessToken));
    expect(claims).to.deep.equal({ userId: `fan-${run}`, roles: ['admin'] });
  });

  it('When the development login is asked for the system role, Then 400 validation and no token: only services hold it', async () => {
    for (const roles of [['system'], ['admin', 'system'], ['SYSTEM']]) {
      const answer = await send('POST', `${gateway.url}/auth/token`, { body: { userId: `svc-${run}`, roles } });
      expect(answer.status, JSON.stringify(roles)).to.equal(400);
      expect(answer.body.code).to.equal('validation');
      expect(answer.body.accessToken).to.equal(undefined);
    }
  });

  it('When the body is not a valid login, Then 400 validation, never a 5xx', async () => {
    for (const body of [{}, { userId: '' }, { userId: 'a b' }, { userId: 'x', roles: 'admin' }, '[', 'null']) {
      const answer = await send('POST', `${gateway.url}/auth/token`, { body });
      expect(answer.status, JSON.stringify(body)).to.equal(400);
      expect(answer.body.code).to.equal('validation');
    }
  });
});
