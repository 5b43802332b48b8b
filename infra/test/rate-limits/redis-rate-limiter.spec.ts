import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createRedis, type RedisClient } from '../../src/redis/create-redis.js';
import { deleteKeysWithPrefix } from '../../src/redis/key-prefix.js';
import { redisReady } from '../../src/redis/redis-ready.js';
import { RedisUnavailableError } from '../../src/redis/redis-unavailable-error.js';
import {
  consumeRateBudgets,
  defineRateLimitScript,
  RedisRateLimiter,
} from '../../src/rate-limits/redis-rate-limiter.js';

describe('RedisRateLimiter', function () {
  this.timeout(30_000);
  let prefix: string;
  let redis: RedisClient;
  let other: RedisClient;

  before(async () => {
    prefix = `test:rate:${randomUUID().slice(0, 8)}:`;
    redis = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix });
    other = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix });
    await Promise.all([redisReady(redis, 5000), redisReady(other, 5000)]);
  });

  after(async () => {
    const cleaner = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
    await redisReady(cleaner, 5000);
    await deleteKeysWithPrefix(cleaner, prefix);
    cleaner.disconnect();
    redis.disconnect();
    other.disconnect();
  });

  it('When a subject spends its budget, Then the next request is refused with the time left in the window', async () => {
    const limiter = new RedisRateLimiter(redis, { name: 'spend', points: 3, windowSeconds: 60 });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('alice'));
    for (const [i, decision] of decisions.slice(0, 3).entries()) {
      if (!decision.allowed) throw new Error(`expected request ${i + 1} to be allowed`);
      expect(decision.remaining).to.equal(2 - i);
      expect(decision.resetMs, 'time left in the window').to.be.greaterThan(0).and.at.most(60_000);
    }
    const refused = decisions[3]!;
    if (refused.allowed) throw new Error('expected a refusal');
    expect(refused.retryAfterMs).to.be.greaterThan(0).and.at.most(60_000);
    expect(await limiter.consume('bob')).to.include({ allowed: true, remaining: 2 });
  });

  it('When two limiters (two gateways) share Redis, Then they spend one budget', async () => {
    const a = new RedisRateLimiter(redis, { name: 'shared', points: 4, windowSeconds: 60 });
    const b = new RedisRateLimiter(other, { name: 'shared', points: 4, windowSeconds: 60 });
    const results = await Promise.all([a, b, a, b, a, b].map((l) => l.consume('carol')));
    expect(results.filter((r) => r.allowed)).to.have.length(4);
  });

  it('When budgets have other names, Then they are counted apart', async () => {
    const polls = new RedisRateLimiter(redis, { name: 'polls-x', points: 1, windowSeconds: 60 });
    const commands = new RedisRateLimiter(redis, { name: 'commands-x', points: 1, windowSeconds: 60 });
    expect((await polls.consume('dave')).allowed).to.equal(true);
    expect((await commands.consume('dave')).allowed).to.equal(true);
    expect((await polls.consume('dave')).allowed).to.equal(false);
  });

  it('When the window ends, Then the budget is whole again', async () => {
    const limiter = new RedisRateLimiter(redis, { name: 'window', points: 1, windowSeconds: 1 });
    expect((await limiter.consume('erin')).allowed).to.equal(true);
    const refused = await limiter.consume('erin');
    if (refused.allowed) throw new Error('expected a refusal');
    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 50));
    expect((await limiter.consume('erin')).allowed).to.equal(true);
  });

  it("When a user's and an IP's budgets are spent together, Then one command decides both, each against its own budget", async () => {
    const user = { name: 'pair-user', points: 1, windowSeconds: 60 };
    const ip = { name: 'pair-ip', points: 2, windowSeconds: 60 };
    const single = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix });
    await redisReady(single, 5000);
    defineRateLimitScript(single);
    try {
      let sent = 0;
      const send = single.sendCommand.bind(single);
      single.sendCommand = ((command: Parameters<typeof send>[0]) => {
        sent += 1;
        return send(command);
      }) as typeof single.sendCommand;
      const spends = [
        { budget: user, subject: 'gina' },
        { budget: ip, subject: '10.0.0.1' },
      ];
      const first = await consumeRateBudgets(single, spends);
      expect(sent).to.equal(1);
      expect(first).to.have.length(2);
      expect(first[0]).to.include({ allowed: true, remaining: 0 });
      expect(first[1]).to.include({ allowed: true, remaining: 1 });
      const second = await consumeRateBudgets(single, spends);
      expect(second[0]!.allowed).to.equal(false);
      expect(second[1]).to.include({ allowed: true, remaining: 0 });
    } finally {
      single.disconnect();
    }
  });

  it('When Redis cannot be reached, Then consume throws RedisUnavailableError', async () => {
    const dead = createRedis({ url: 'redis://127.0.0.1:1', onError: () => undefined });
    try {
      const limiter = new RedisRateLimiter(dead, { name: 'dead', points: 1, windowSeconds: 60 });
      let failure: unknown;
      await limiter.consume('frank').catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(RedisUnavailableError);
    } finally {
      dead.disconnect();
    }
  });

  it('Given a client whose set-up defined the script, When its first spend shares an auto-pipeline with another script, Then both are answered', async () => {
    // A client as a gateway has it: another script defined at set-up (the waiting room's), then the rate limit's.
    const fresh = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix });
    await redisReady(fresh, 5000);
    try {
      fresh.defineCommand('concertTestOther', { lua: 'return 7', numberOfKeys: 0 });
      defineRateLimitScript(fresh);
      const other = (fresh as unknown as { concertTestOther(): Promise<number> }).concertTestOther();
      const spent = consumeRateBudgets(fresh, [
        { budget: { name: 'first', points: 2, windowSeconds: 60 }, subject: 'u' },
      ]);
      expect(await other).to.equal(7);
      expect((await spent)[0]).to.include({ allowed: true, remaining: 1 });
    } finally {
      fresh.disconnect();
    }
  });

  it('Given a client whose set-up did not define the script, When a spend is asked, Then it is refused at once (a definition mid-traffic could break an open auto-pipeline)', async () => {
    const fresh = createRedis({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', keyPrefix: prefix });
    try {
      const error = await consumeRateBudgets(fresh, [
        { budget: { name: 'undefined', points: 2, windowSeconds: 60 }, subject: 'u' },
      ]).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.match(/defineRateLimitScript/);
    } finally {
      fresh.disconnect();
    }
  });
});
