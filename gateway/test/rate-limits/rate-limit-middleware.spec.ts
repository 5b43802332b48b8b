import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  authenticate,
  createApp,
  createJwtVerifier,
  createLogger,
  createMetricsRegistry,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  redisReady,
  serve,
  signDevToken,
  type Config,
  type RedisClient,
  type Registry,
} from '@concert/infra';
import { rateLimit, type RateLimitOptions } from '../../src/rate-limits/index.js';

/**
 * The rate-limit middleware in infra's app chain behind JWT authentication, on the real Redis.
 * What stands behind it answers 200 to anything: only the limiter's decisions are under test.
 * Clients are told apart by token (user) and by X-Forwarded-For (IP; the app trusts the proxy).
 */
describe('rate limits at the gateway', function () {
  this.timeout(60_000);
  let config: Config;
  let prefix: string;
  const clients: RedisClient[] = [];
  const closers: Array<() => Promise<void>> = [];

  before(() => {
    prefix = `test:rl:${randomUUID().slice(0, 8)}:`;
    config = loadConfig({ ...process.env, REDIS_KEY_PREFIX: prefix });
  });

  after(async () => {
    for (const close of closers) await close();
    const cleaner = createRedis({ url: config.REDIS_URL });
    await redisReady(cleaner, 5000);
    await deleteKeysWithPrefix(cleaner, prefix);
    cleaner.disconnect();
    for (const client of clients) client.disconnect();
  });

  interface Gateway {
    url: string;
    registry: Registry;
  }

  async function startGateway(
    options: Partial<Omit<RateLimitOptions, 'registry'>> & { redisUrl?: string },
  ): Promise<Gateway> {
    const redis = createRedis({
      url: options.redisUrl ?? config.REDIS_URL,
      keyPrefix: prefix,
      onError: () => undefined,
    });
    clients.push(redis);
    if (options.redisUrl === undefined) await redisReady(redis, 5000);
    const registry = createMetricsRegistry();
    const logger = createLogger({ LOG_LEVEL: 'silent' }, 'test');
    const app = createApp({
      logger,
      registry,
      authenticate: authenticate(createJwtVerifier(config)),
      routes: (routes) => {
        routes.use(
          rateLimit({ redis, commandsPerMinute: 3, pollsPerMinute: 5, ipMultiple: 100, registry, ...options }),
        );
        routes.use((_req, res) => {
          res.json({ ok: true });
        });
      },
    });
    app.set('trust proxy', true);
    const running = await serve(app, 0, { logger, host: '127.0.0.1' });
    closers.push(running.close);
    return { url: `http://127.0.0.1:${running.port}`, registry };
  }

  /** A user of this test (fresh ids, so tests never share a budget) sending from an IP. */
  const client = (gateway: Gateway, ip = `10.${rand()}.${rand()}.${rand()}`) => {
    const token = signDevToken(config, { userId: `user-${randomUUID()}`, roles: [], expiresInSeconds: 600 });
    return (method: string, path: string) =>
      fetch(`${gateway.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'x-forwarded-for': ip,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
  };
  const statuses = async (n: number, send: () => Promise<Response>): Promise<number[]> => {
    const result: number[] = [];
    for (let i = 0; i < n; i++) result.push((await send()).status);
    return result;
  };
  const limited = async (registry: Registry, labels: Record<string, string>): Promise<number> => {
    const metric = registry.getSingleMetric('gateway_rate_limited_total');
    const values = metric ? (await metric.get()).values : [];
    return values
      .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
      .reduce((sum, v) => sum + v.value, 0);
  };

  it('When a user spends the command budget, Then the next command is 429 rate-limited with Retry-After, and another user is not affected', async () => {
    const gateway = await startGateway({});
    const ip = `10.1.${rand()}.${rand()}`;
    const alice = client(gateway, ip);
    expect(await statuses(3, () => alice('POST', '/reservations'))).to.deep.equal([200, 200, 200]);

    const refused = await alice('POST', '/wallet/charges');
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(await refused.json()).to.include({ code: 'rate-limited', status: 429 });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 60);

    expect((await client(gateway, ip)('POST', '/reservations')).status).to.equal(200);
    expect(await limited(gateway.registry, { budget: 'commands', scope: 'user' })).to.equal(1);
  });

  it('When a user spends commands, Then each answer states the budgets (RateLimit-Policy) and what is left of them (RateLimit), down to r=0 on the 429', async () => {
    const gateway = await startGateway({ ipMultiple: 100 }); // 3 per user, 300 per IP, 60 s windows
    const dave = client(gateway);
    const policy = '"commands-user";q=3;w=60, "commands-ip";q=300;w=60';
    const seen: Array<[number, Record<string, { r: number; t: number }>]> = [];
    for (let i = 0; i < 4; i++) {
      const answer = await dave('POST', '/reservations');
      expect(answer.headers.get('ratelimit-policy')).to.equal(policy);
      seen.push([answer.status, rateLimitOf(answer.headers.get('ratelimit'))]);
    }
    expect(seen.map(([status, left]) => [status, left['commands-user']?.r, left['commands-ip']?.r])).to.deep.equal([
      [200, 2, 299],
      [200, 1, 298],
      [200, 0, 297],
      [429, 0, 296],
    ]);
    for (const [, left] of seen) expect(left['commands-user']?.t, 'seconds until the window ends').to.be.within(1, 60);
  });

  it('When a user polls the queue, Then the answers state the polling budget; reads that spend none carry no RateLimit', async () => {
    const gateway = await startGateway({ ipMultiple: 0 });
    const erin = client(gateway);
    const poll = await erin('GET', '/queue/entries/e-1');
    expect(poll.headers.get('ratelimit-policy')).to.equal('"polls-user";q=5;w=60');
    expect(rateLimitOf(poll.headers.get('ratelimit'))['polls-user']?.r).to.equal(4);
    const read = await erin('GET', '/concerts');
    expect(read.headers.get('ratelimit')).to.equal(null);
    expect(read.headers.get('ratelimit-policy')).to.equal(null);
  });

  it('When many users share one IP, Then together they get the per-user budget times the multiple; another IP is not affected', async () => {
    const gateway = await startGateway({ ipMultiple: 2 }); // 3 x 2 = 6 commands per IP
    const ip = `10.2.${rand()}.${rand()}`;
    const users = [client(gateway, ip), client(gateway, ip), client(gateway, ip)];
    for (const user of users) expect(await statuses(2, () => user('POST', '/reservations'))).to.deep.equal([200, 200]);

    const fourth = client(gateway, ip);
    const refused = await fourth('POST', '/reservations');
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    expect(await limited(gateway.registry, { budget: 'commands', scope: 'ip' })).to.equal(1);
    expect((await client(gateway)('POST', '/reservations')).status).to.equal(200);
  });

  it('When the per-IP multiple is 0, Then only per-user budgets apply', async () => {
    const gateway = await startGateway({ ipMultiple: 0 });
    const ip = `10.3.${rand()}.${rand()}`;
    for (let i = 0; i < 4; i++) {
      expect(await statuses(3, () => client(gateway, ip)('POST', '/reservations'))).to.deep.equal([200, 200, 200]);
    }
  });

  it('When a user spends the command budget, Then queue polling still has its own budget, and other reads are not limited', async () => {
    const gateway = await startGateway({});
    const bob = client(gateway);
    expect(await statuses(4, () => bob('POST', '/payments'))).to.deep.equal([200, 200, 200, 429]);
    expect(await statuses(6, () => bob('GET', '/queue/entries/e-1'))).to.deep.equal([200, 200, 200, 200, 200, 429]);
    expect(await statuses(10, () => bob('GET', '/concerts'))).to.deep.equal(Array(10).fill(200));
    expect((await bob('POST', '/queue/entries')).status, 'entering the queue is a command').to.equal(429);
    expect(await limited(gateway.registry, { budget: 'polls' })).to.equal(1);
  });

  it('When a user polls with HEAD, Then each HEAD spends the polling budget like a GET', async () => {
    const gateway = await startGateway({});
    const carol = client(gateway);
    expect(await statuses(3, () => carol('HEAD', '/queue/entries/e-1'))).to.deep.equal([200, 200, 200]);
    expect(await statuses(3, () => carol('GET', '/queue/entries/e-1'))).to.deep.equal([200, 200, 429]);
    expect((await carol('HEAD', '/queue/entries/e-1')).status).to.equal(429);
  });

  it('When two gateway instances share Redis, Then a user spends one budget across both', async () => {
    const [one, two] = [await startGateway({}), await startGateway({})];
    const token = signDevToken(config, { userId: `user-${randomUUID()}`, roles: [], expiresInSeconds: 600 });
    const post = (gateway: Gateway) =>
      fetch(`${gateway.url}/reservations`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'x-forwarded-for': `10.4.${rand()}.${rand()}`,
        },
        body: '{}',
      });
    const answers = await Promise.all([one, two, one, two, one, two].map((g) => post(g)));
    expect(answers.filter((a) => a.status === 200)).to.have.length(3);
    expect(answers.filter((a) => a.status === 429)).to.have.length(3);
  });

  it('When Redis is unreachable, Then requests go through unchecked and are counted as bypassed', async () => {
    const gateway = await startGateway({ redisUrl: 'redis://127.0.0.1:1' });
    const carol = client(gateway);
    expect(await statuses(5, () => carol('POST', '/reservations'))).to.deep.equal([200, 200, 200, 200, 200]);
    const metric = gateway.registry.getSingleMetric('gateway_rate_limit_bypassed_total');
    const values = metric ? (await metric.get()).values : [];
    expect(values.find((v) => v.labels.budget === 'commands')?.value).to.equal(5);
  });
});

/** `"name";r=2;t=41, ...` (the RateLimit field) -> {name: {r: 2, t: 41}}. */
function rateLimitOf(field: string | null): Record<string, { r: number; t: number }> {
  const result: Record<string, { r: number; t: number }> = {};
  for (const item of (field ?? '').split(', ')) {
    const match = /^"([^"]+)";r=(\d+);t=(\d+)$/.exec(item);
    if (match) result[match[1]!] = { r: Number(match[2]), t: Number(match[3]) };
  }
  return result;
}

function rand(): number {
  return Math.floor(Math.random() * 250) + 1;
}
