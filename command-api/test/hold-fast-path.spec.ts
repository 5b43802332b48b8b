import { expect } from 'chai';
import { serve, VERIFIED_QUEUE_CONCERT_HEADER, type RunningServer } from '@concert/infra';
import { createCommandApp } from '../src/command-app.js';
import { CommandApiCluster, givenScheduleViaApi, type CommandApiInstance } from './command-api-harness.js';

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers that differ between two answers to the same request by nature. */
const PER_ANSWER = new Set(['date', 'x-request-id', 'keep-alive', 'connection']);

async function send(url: string, headers: Record<string, string>, body: string | undefined): Promise<Raw> {
  const response = await fetch(`${url}/reservations`, {
    method: 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const kept: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!PER_ANSWER.has(name)) kept[name] = value;
  });
  return { status: response.status, headers: kept, body: await response.text() };
}

/** The fast path's answers, counted in /metrics. */
async function fastPathCount(instance: CommandApiInstance): Promise<number> {
  const metric = await instance.deps.registry.getSingleMetricAsString('http_fast_path_requests_total');
  const match = /http_fast_path_requests_total\{route="\/reservations"\} (\d+)/.exec(metric);
  return Number(match?.[1] ?? 0);
}

describe('the plain hold answered in front of express (POST /reservations fast path)', () => {
  const cluster = new CommandApiCluster();
  let instance: CommandApiInstance;
  let expressAlone: RunningServer;
  let expressUrl: string;
  let concertId: string;
  let scheduleId: string;
  let token: string;

  before(async () => {
    [instance] = (await cluster.start(1)) as [CommandApiInstance];
    // The same dependencies (store, Redis prefix, registry) behind the express app alone.
    expressAlone = await serve(createCommandApp(instance.deps), 0, { logger: instance.deps.logger, host: '127.0.0.1' });
    expressUrl = `http://127.0.0.1:${expressAlone.port}`;
    ({ concertId, scheduleId } = await givenScheduleViaApi(instance.url, cluster.token('admin', ['admin']), 20));
    token = cluster.token('fan-1');
  });
  after(async () => {
    await expressAlone.close();
    await cluster.stop();
  });

  const json = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    ...extra,
  });

  /** The same request to both; Then both answer alike, and the fast path took it (or not). */
  async function bothAnswer(
    headers: Record<string, string>,
    body: string | undefined,
    fastPathTakes: boolean,
  ): Promise<Raw> {
    const before = await fastPathCount(instance);
    const fast = await send(instance.url, headers, body);
    expect((await fastPathCount(instance)) - before, 'taken by the fast path').to.equal(fastPathTakes ? 1 : 0);
    const slow = await send(expressUrl, headers, body);
    expect(fast).to.deep.equal(slow);
    return fast;
  }

  it('When free seats are held, Then both answer 201 with the same headers and body shape, and the fast path took it', async () => {
    const before = await fastPathCount(instance);
    const fast = await send(instance.url, json(), JSON.stringify({ scheduleId, seatIds: ['A-1', 'A-2'] }));
    expect(await fastPathCount(instance)).to.equal(before + 1);
    const slow = await send(expressUrl, json(), JSON.stringify({ scheduleId, seatIds: ['A-3', 'A-4'] }));
    expect(fast.status).to.equal(201);
    expect(slow.status).to.equal(201);
    expect(Object.keys(fast.headers).sort()).to.deep.equal(Object.keys(slow.headers).sort());
    expect(fast.headers['content-type']).to.equal(slow.headers['content-type']);
    const held = JSON.parse(fast.body) as Record<string, unknown>;
    expect(Object.keys(held)).to.deep.equal(Object.keys(JSON.parse(slow.body) as object));
    expect(held).to.include({ status: 'HELD', scheduleId, amount: 200 });
    expect(fast.headers.location).to.equal(`/reservations/${String(held.reservationId)}`);
    expect(fast.headers['x-consistency-token']).to.be.a('string').that.is.not.empty;
  });

  it('When a held seat is asked for, Then both answer the same 409 seat-unavailable', async () => {
    const answer = await bothAnswer(json(), JSON.stringify({ scheduleId, seatIds: ['A-1'] }), true);
    expect(answer.status).to.equal(409);
  });

  for (const [what, body] of [
    ['a body that fails the schema', () => JSON.stringify({ scheduleId, seatIds: [] })],
    ['an unknown field', () => JSON.stringify({ scheduleId, seatIds: ['A-1'], extra: 1 })],
    ['malformed JSON', () => '{"scheduleId": '],
    ['JSON that is not an object', () => '"A-1"'],
    ['a body nested too deeply', () => `${'['.repeat(40)}${']'.repeat(40)}`],
    ['text with a NUL character', () => JSON.stringify({ scheduleId: 'a\u0000b', seatIds: ['A-1'] })],
  ] as const) {
    it(`When the body is ${what}, Then both answer the same 400`, async () => {
      const answer = await bothAnswer(json(), body(), true);
      expect(answer.status).to.equal(400);
    });
  }

  it('When the schedule is unknown, Then both answer the same 404', async () => {
    const answer = await bothAnswer(
      json(),
      JSON.stringify({ scheduleId: '00000000-0000-4000-8000-000000000000', seatIds: ['A-1'] }),
      true,
    );
    expect(answer.status).to.equal(404);
  });

  it('When the verified queue token is for another concert, Then both answer the same 401 queue-token-invalid', async () => {
    const otherConcert = concertId.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    const answer = await bothAnswer(
      json({ [VERIFIED_QUEUE_CONCERT_HEADER]: otherConcert }),
      JSON.stringify({ scheduleId, seatIds: ['A-9'] }),
      true,
    );
    expect(answer.status).to.equal(401);
    expect(answer.body).to.contain('queue-token-invalid');
  });

  it('When the token is missing or refused, Then express answers the 401 (the fast path does not take it)', async () => {
    const body = JSON.stringify({ scheduleId, seatIds: ['A-10'] });
    expect((await bothAnswer({ 'content-type': 'application/json' }, body, false)).status).to.equal(401);
    expect((await bothAnswer(json({ authorization: 'Bearer nope' }), body, false)).status).to.equal(401);
  });

  it('When the body is not declared JSON or is too large, Then express answers (415, 413)', async () => {
    const body = JSON.stringify({ scheduleId, seatIds: ['A-11'] });
    expect((await bothAnswer(json({ 'content-type': 'text/plain' }), body, false)).status).to.equal(415);
    const large = JSON.stringify({ scheduleId, seatIds: ['A-11'], pad: 'x'.repeat(20_000) });
    expect((await bothAnswer(json(), large, false)).status).to.equal(413);
  });

  it('When the client sends its own request id, Then the fast path echoes it as express does', async () => {
    const response = await fetch(`${instance.url}/reservations`, {
      method: 'POST',
      headers: json({ 'x-request-id': 'fan-req-42' }),
      body: JSON.stringify({ scheduleId, seatIds: ['A-1'] }),
    });
    await response.text();
    expect(response.headers.get('x-request-id')).to.equal('fan-req-42');
  });

  it('When holds are answered by the fast path, Then the duration histogram labels them with the route, as express does', async () => {
    const metric = await instance.deps.registry.getSingleMetricAsString('http_request_duration_seconds');
    expect(metric).to.match(
      /http_request_duration_seconds_count\{method="POST",route="\/reservations",status_code="409"\} \d+/,
    );
  });
});
