import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { loadConfig, signDevToken, type RunningServer } from '@concert/infra';
import type { OpenedGateway } from '../../src/open-gateway.js';
import { waitingRoomOf } from '../../src/queue/index.js';
import { comparableAnswer, gatewayBothWays, runId, type SeenAnswer } from '../gateway-harness.js';

const ORIGIN = 'https://tickets.example';

/**
 * The status poll has two implementations in one gateway: the fast path in front of express
 * (createGatewayListener, what the gateway serves) and the express route behind it
 * (createGatewayApp alone). Same gateway dependencies, same Redis: each request goes to both,
 * and both answers must be the same, status, headers and body.
 */
describe('Given the status poll served by the fast path and by express alone', function () {
  this.timeout(60_000);
  const run = runId();
  const prefix = `test:gw-poll-fast:${run}:`;
  let gateway: OpenedGateway;
  let fast: RunningServer;
  let plain: RunningServer;
  let concertId: string;
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    REDIS_KEY_PREFIX: prefix,
    CORS_ORIGINS: ORIGIN,
    RATE_LIMIT_POLLS_PER_MINUTE: '40',
    RATE_LIMIT_IP_MULTIPLE: '1000',
    COMMAND_API_URLS: 'http://127.0.0.1:9',
    QUERY_API_URLS: 'http://127.0.0.1:9',
  });
  const tokenOf = (userId: string): string => signDevToken(config, { userId, roles: [], expiresInSeconds: 600 });

  let bothWays: Awaited<ReturnType<typeof gatewayBothWays>> | undefined;
  before(async () => {
    // Not started: no ticker admits anyone, so a waiting fan's estimate stays put between two answers.
    bothWays = await gatewayBothWays(config);
    ({ gateway, fast, plain } = bothWays);
    concertId = randomUUID();
  });
  after(() => bothWays?.close());

  async function ask(port: number, method: string, path: string, headers: Record<string, string>): Promise<SeenAnswer> {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  }

  /** The same request to both servers (fast first); their answers, made comparable. */
  async function both(
    method: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<[SeenAnswer, SeenAnswer]> {
    const viaFast = await ask(fast.port, method, path, headers);
    const viaExpress = await ask(plain.port, method, path, headers);
    return [comparableAnswer(viaFast), comparableAnswer(viaExpress)];
  }

  async function fastAnswers(): Promise<number> {
    const metric = await gateway.deps.registry.getSingleMetric('gateway_poll_fast_path_total')?.get();
    return metric?.values.find((v) => v.labels.outcome === 'answered')?.value ?? 0;
  }

  async function entered(userId: string): Promise<string> {
    return (await waitingRoomOf(gateway.deps.stages.pollFastPath!.queue).enter(concertId, userId)).entryId;
  }

  it('When the owner polls a waiting entry (GET and HEAD, with and without an allowed Origin and a request id), Then both answer the same, and the fast path answered it', async () => {
    const user = `waiting-${run}`;
    const entryId = await entered(user);
    const before = await fastAnswers();
    const variants: Array<[string, Record<string, string>]> = [
      ['GET', {}],
      ['HEAD', {}],
      ['GET', { origin: ORIGIN }],
      ['GET', { origin: 'https://elsewhere.example' }],
      ['GET', { 'x-request-id': 'poll-req-1' }],
    ];
    for (const [method, extra] of variants) {
      const [viaFast, viaExpress] = await both(method, `/queue/entries/${entryId}`, {
        authorization: `Bearer ${tokenOf(user)}`,
        ...extra,
      });
      const { ['x-request-id']: fastId, ...fastRest } = viaFast.headers;
      const { ['x-request-id']: expressId, ...expressRest } = viaExpress.headers;
      expect({ ...viaFast, headers: fastRest }, `${method} ${JSON.stringify(extra)}`).to.deep.equal({
        ...viaExpress,
        headers: expressRest,
      });
      expect(viaFast.status).to.equal(200);
      expect(fastRest['retry-after']).to.match(/^\d+$/);
      expect(fastRest.etag).to.match(/^W\//);
      if (extra['x-request-id'] !== undefined) expect([fastId, expressId]).to.deep.equal(['poll-req-1', 'poll-req-1']);
      else expect(fastId).to.match(/^[0-9a-f-]{36}$/);
    }
    expect((await fastAnswers()) - before).to.equal(variants.length);
  });

  it('When the poll is refused or conditional (no token, a bad token, another fan’s entry, an unknown entry, If-None-Match, a query), Then both answer the same', async () => {
    const owner = `owner-${run}`;
    const entryId = await entered(owner);
    const etag = (
      await ask(fast.port, 'GET', `/queue/entries/${entryId}`, { authorization: `Bearer ${tokenOf(owner)}` })
    ).headers.etag!;
    const cases: Array<[string, string, Record<string, string>, number | undefined]> = [
      ['no token', `/queue/entries/${entryId}`, {}, 401],
      ['a malformed header', `/queue/entries/${entryId}`, { authorization: 'Token abc' }, 401],
      ['a bad token', `/queue/entries/${entryId}`, { authorization: 'Bearer abc.def.ghi' }, 401],
      ["another fan's entry", `/queue/entries/${entryId}`, { authorization: `Bearer ${tokenOf(`other-${run}`)}` }, 403],
      ['an unknown entry', `/queue/entries/${randomUUID()}`, { authorization: `Bearer ${tokenOf(owner)}` }, 404],
      // Whatever express makes of it (the fast path never answers a conditional request): the same on both.
      [
        'If-None-Match',
        `/queue/entries/${entryId}`,
        { authorization: `Bearer ${tokenOf(owner)}`, 'if-none-match': etag },
        undefined,
      ],
      ['a query', `/queue/entries/${entryId}?x=1`, { authorization: `Bearer ${tokenOf(owner)}` }, 200],
      [
        'a percent-encoded id (the odd-target refusal)',
        '/queue/entries/a%20b',
        { authorization: `Bearer ${tokenOf(owner)}` },
        400,
      ],
    ];
    for (const [name, path, headers, status] of cases) {
      const [viaFast, viaExpress] = await both('GET', path, { ...headers, 'x-request-id': `case-${run}` });
      expect(viaFast, name).to.deep.equal(viaExpress);
      if (status !== undefined) expect(viaFast.status, name).to.equal(status);
    }
  });

  it('When a fan spends the polling budget, Then the next poll is 429 with Retry-After on both, and each poll spent the budget once', async () => {
    const user = `greedy-${run}`;
    const entryId = await entered(user);
    const headers = { authorization: `Bearer ${tokenOf(user)}` };
    const remaining: number[] = [];
    for (let i = 0; i < 20; i++) {
      for (const port of [fast.port, plain.port]) {
        const answer = await ask(port, 'GET', `/queue/entries/${entryId}`, headers);
        remaining.push(Number(/"polls-user";r=(\d+)/.exec(answer.headers.ratelimit ?? '')?.[1]));
      }
    }
    // One budget of 40, one unit per poll, whichever path answered.
    expect(remaining).to.deep.equal(Array.from({ length: 40 }, (_, i) => 39 - i));
    const [viaFast, viaExpress] = await both('GET', `/queue/entries/${entryId}`, {
      ...headers,
      'x-request-id': 'limited',
    });
    expect(viaFast).to.deep.equal(viaExpress);
    expect(viaFast.status).to.equal(429);
    expect(viaFast.headers['retry-after']).to.match(/^\d+$/);
  });
});
