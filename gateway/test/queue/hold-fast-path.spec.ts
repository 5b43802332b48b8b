import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import {
  loadConfig,
  signDevToken,
  VERIFIED_QUEUE_CONCERT_HEADER,
  type Config,
  type RunningServer,
} from '@concert/infra';
import { waitFor } from '@concert/infra/testing';
import type { OpenedGateway } from '../../src/open-gateway.js';
import { waitingRoomOf } from '../../src/queue/index.js';
import { comparableAnswer, gatewayBothWays, runId, type SeenAnswer } from '../gateway-harness.js';

type Seen = SeenAnswer;

/** What the command API stand-in received: the headers that tell what the gateway forwarded, and the bytes. */
interface Received {
  headers: Record<string, string | undefined>;
  body: string;
}

const ORIGIN = 'https://tickets.example';
/** The seat the stand-in says is taken: its 409 problem passes through unchanged. */
const TAKEN = 'S-TAKEN';

/** What may differ between two answers to the same request: when, the budget's count and clock, the reservation id. */
function comparable(seen: Seen): Seen {
  const answer = comparableAnswer(seen);
  const { headers } = answer;
  if (headers.location !== undefined) headers.location = headers.location.replace(/[0-9a-f-]{36}$/, 'ID');
  if (headers['content-length'] !== undefined && headers.location !== undefined) delete headers['content-length'];
  return { ...answer, headers, body: answer.body.replace(/"reservationId":"[0-9a-f-]{36}"/, '"reservationId":"ID"') };
}

/**
 * The plain hold has two implementations in one gateway: the fast path in front of express
 * (createGatewayListener, what the gateway serves) and the express pipeline behind it
 * (createGatewayApp alone). Same gateway dependencies, same Redis, the same command API
 * stand-in: each request goes to both, and both answers must be the same (status, headers,
 * body), and so must what reached the command API.
 */
describe('Given the plain hold served by the fast path and by express alone', function () {
  this.timeout(60_000);
  const run = runId();
  const prefix = `test:gw-hold-fast:${run}:`;
  let config: Config;
  let gateway: OpenedGateway;
  let standIn: Server;
  let fast: RunningServer;
  let plain: RunningServer;
  let bothWays: Awaited<ReturnType<typeof gatewayBothWays>> | undefined;
  let concertId: string;
  const received: Received[] = [];
  const tokenOf = (userId: string): string => signDevToken(config, { userId, roles: [], expiresInSeconds: 600 });

  before(async () => {
    // The command API: 201 with a Location for a hold, 409 problem+json for the taken seat.
    standIn = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const pick = (name: string): string | undefined => req.headers[name] as string | undefined;
        received.push({
          headers: {
            'x-request-id': pick('x-request-id'),
            [VERIFIED_QUEUE_CONCERT_HEADER]: pick(VERIFIED_QUEUE_CONCERT_HEADER),
            'content-length': pick('content-length'),
            'content-type': pick('content-type'),
            'x-forwarded-for': pick('x-forwarded-for'),
            'queue-token': pick('queue-token'),
            'idempotency-key': pick('idempotency-key'),
          },
          body,
        });
        if (body.includes(TAKEN)) {
          res.writeHead(409, { 'content-type': 'application/problem+json; charset=utf-8' });
          res.end(
            JSON.stringify({
              type: 'urn:problem-type:concert:seat-unavailable',
              status: 409,
              code: 'seat-unavailable',
            }),
          );
          return;
        }
        const reservationId = randomUUID();
        res.writeHead(201, {
          'content-type': 'application/json; charset=utf-8',
          location: `/reservations/${reservationId}`,
          vary: 'Accept-Encoding',
        });
        res.end(JSON.stringify({ reservationId, status: 'HELD' }));
      });
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    config = loadConfig({
      ...process.env,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      REDIS_KEY_PREFIX: prefix,
      CORS_ORIGINS: ORIGIN,
      RATE_LIMIT_COMMANDS_PER_MINUTE: '60',
      RATE_LIMIT_IP_MULTIPLE: '1000',
      QUEUE_ADMIT_PER_SECOND: '1000',
      COMMAND_API_URLS: `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`,
      QUERY_API_URLS: 'http://127.0.0.1:9',
    });
    bothWays = await gatewayBothWays(config);
    ({ gateway, fast, plain } = bothWays);
    concertId = randomUUID();
  });
  after(async () => {
    await bothWays?.close();
    await new Promise((resolve) => standIn?.close(resolve));
  });

  async function ask(
    port: number,
    headers: Record<string, string>,
    body: string,
    path = '/reservations',
  ): Promise<Seen> {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
  }

  /** The same request to both servers (fast first); their answers made comparable, and what reached the command API from each. */
  async function both(
    headers: Record<string, string>,
    body: string,
    path?: string,
    /** Headers each side gets on top of `headers` (fast, express), e.g. an Idempotency-Key of its own. */
    sides: [Record<string, string>, Record<string, string>] = [{}, {}],
  ): Promise<{ answers: [Seen, Seen]; forwarded: [Received | undefined, Received | undefined] }> {
    const before = received.length;
    const viaFast = await ask(fast.port, { ...headers, ...sides[0] }, body, path);
    const fastForwarded = received.length > before ? received.at(-1) : undefined;
    const middle = received.length;
    const viaExpress = await ask(plain.port, { ...headers, ...sides[1] }, body, path);
    const expressForwarded = received.length > middle ? received.at(-1) : undefined;
    return { answers: [comparable(viaFast), comparable(viaExpress)], forwarded: [fastForwarded, expressForwarded] };
  }

  async function fastPathCount(outcome: 'answered' | 'handed_over'): Promise<number> {
    const metric = await gateway.deps.registry.getSingleMetric('gateway_hold_fast_path_total')?.get();
    return metric?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  }

  /** A fan admitted to the concert, with the queue token the status poll hands out. */
  async function admitted(userId: string): Promise<{ token: string; queueToken: string }> {
    const room = waitingRoomOf(gateway.deps.stages.holdFastPath!.queue);
    const { entryId } = await room.enter(concertId, userId);
    let queueToken = '';
    await waitFor(
      `${userId} to be admitted`,
      async () => {
        await room.tick(concertId);
        const poll = await fetch(`http://127.0.0.1:${plain.port}/queue/entries/${entryId}`, {
          headers: { authorization: `Bearer ${tokenOf(userId)}` },
        });
        const view = (await poll.json()) as { queueToken?: string };
        queueToken = view.queueToken ?? '';
        return queueToken !== '';
      },
      10_000,
      50,
    );
    return { token: tokenOf(userId), queueToken };
  }

  const hold = (seatIds: string[]): string => JSON.stringify({ scheduleId: randomUUID(), seatIds });

  it('When an admitted fan sends a plain hold (with and without an allowed Origin, a request id, a charset), Then both answer the same, forward the same, and the fast path took it', async () => {
    const fan = await admitted(`fan-${run}`);
    const before = await fastPathCount('answered');
    const variants: Array<[string, Record<string, string>, string[]]> = [
      ['plain', {}, ['S-1']],
      ['an allowed Origin', { origin: ORIGIN }, ['S-2']],
      ['another Origin', { origin: 'https://elsewhere.example' }, ['S-3']],
      ['a request id', { 'x-request-id': 'hold-req-1' }, ['S-4']],
      ['a charset', { 'content-type': 'application/json; charset=utf-8' }, ['S-5']],
      ['a taken seat (the command API’s 409)', {}, [TAKEN]],
    ];
    for (const [name, extra, seats] of variants) {
      const body = hold(seats);
      const { answers, forwarded } = await both(
        {
          authorization: `Bearer ${fan.token}`,
          'queue-token': fan.queueToken,
          'content-type': 'application/json',
          ...extra,
        },
        body,
      );
      const [viaFast, viaExpress] = answers;
      const { ['x-request-id']: fastId, ...fastRest } = viaFast.headers;
      const { ['x-request-id']: expressId, ...expressRest } = viaExpress.headers;
      expect({ ...viaFast, headers: fastRest }, name).to.deep.equal({ ...viaExpress, headers: expressRest });
      expect(viaFast.status, name).to.equal(seats[0] === TAKEN ? 409 : 201);
      expect(fastRest.ratelimit, name).to.match(/"commands-user";r=N;t=N/);
      // Both forwarded the client's bytes, the verified concert and the settled request id.
      const [fastSent, expressSent] = forwarded;
      expect(fastSent?.body, name).to.equal(body);
      expect(expressSent?.body, name).to.equal(body);
      expect(fastSent?.headers[VERIFIED_QUEUE_CONCERT_HEADER], name).to.equal(concertId);
      expect(fastSent?.headers['x-request-id'], name).to.equal(fastId);
      expect(expressSent?.headers['x-request-id'], name).to.equal(expressId);
      expect({ ...fastSent?.headers, 'x-request-id': 'ID' }, name).to.deep.equal({
        ...expressSent?.headers,
        'x-request-id': 'ID',
      });
      if (extra['x-request-id'] !== undefined) expect([fastId, expressId]).to.deep.equal(['hold-req-1', 'hold-req-1']);
      else expect(fastId).to.match(/^[0-9a-f-]{36}$/);
    }
    expect((await fastPathCount('answered')) - before).to.equal(variants.length);
  });

  it('When the hold is refused or unusual (no bearer, no or a bad or another fan’s queue token, a bad body, a form, an Idempotency-Key, a query, a trailing slash), Then both answer the same and forward the same', async () => {
    const fan = await admitted(`picky-${run}`);
    const other = await admitted(`other-${run}`);
    const base = {
      authorization: `Bearer ${fan.token}`,
      'queue-token': fan.queueToken,
      'content-type': 'application/json',
    };
    const cases: Array<[string, Record<string, string>, string, string | undefined, number]> = [
      [
        'no bearer token',
        { 'queue-token': fan.queueToken, 'content-type': 'application/json' },
        hold(['S-1']),
        undefined,
        401,
      ],
      [
        'no queue token',
        { authorization: base.authorization, 'content-type': 'application/json' },
        hold(['S-1']),
        undefined,
        401,
      ],
      ['a forged queue token', { ...base, 'queue-token': 'abc.def.ghi' }, hold(['S-1']), undefined, 401],
      ["another fan's queue token", { ...base, 'queue-token': other.queueToken }, hold(['S-1']), undefined, 401],
      ['malformed JSON', base, '{"scheduleId":', undefined, 400],
      ['a JSON string, not an object', base, '"hold"', undefined, 400],
      ['a NUL in a string', base, JSON.stringify({ scheduleId: 'a\u0000b', seatIds: ['S-1'] }), undefined, 400],
      ['a body too deep', base, `${'['.repeat(40)}${']'.repeat(40)}`, undefined, 400],
      ['a form', { ...base, 'content-type': 'application/x-www-form-urlencoded' }, 'a=1', undefined, 415],
      // A key of its own on each side (see below): the same key twice would be a replay.
      ['an Idempotency-Key', { ...base, 'idempotency-key': 'each' }, hold(['S-7']), undefined, 201],
      ['a query', base, hold(['S-8']), '/reservations?x=1', 201],
      ['a trailing slash', base, hold(['S-9']), '/reservations/', 404],
    ];
    const handedOver = await fastPathCount('handed_over');
    for (const [name, headers, body, path, status] of cases) {
      const sides: [Record<string, string>, Record<string, string>] =
        headers['idempotency-key'] === 'each'
          ? [{ 'idempotency-key': `fast-${run}` }, { 'idempotency-key': `express-${run}` }]
          : [{}, {}];
      const { answers, forwarded } = await both({ ...headers, 'x-request-id': `case-${run}` }, body, path, sides);
      expect(answers[0], name).to.deep.equal(answers[1]);
      expect(answers[0].status, name).to.equal(status);
      expect(forwarded[0]?.body, name).to.equal(forwarded[1]?.body);
    }
    // The four bodies jsonBody refuses were read by the fast path, put back, and handed over.
    expect((await fastPathCount('handed_over')) - handedOver).to.equal(4);
  });

  it('When the body arrives in pieces, Then both answer the same and forward the same bytes; When the client breaks off mid-body, Then the fast path forwards nothing', async () => {
    const fan = await admitted(`slow-${run}`);
    const body = hold(['S-10']);
    const headers = {
      authorization: `Bearer ${fan.token}`,
      'queue-token': fan.queueToken,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-request-id': 'pieces',
    };
    const inPieces = async (port: number): Promise<Seen> => {
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(`POST /reservations HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${head.join('')}\r\n`);
      socket.write(body.slice(0, 10));
      await new Promise((resolve) => setTimeout(resolve, 30));
      socket.write(body.slice(10));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      await once(socket, 'end');
      const [top, ...rest] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
      const [statusLine, ...lines] = top!.split('\r\n');
      return comparable({
        status: Number(statusLine!.split(' ')[1]),
        headers: Object.fromEntries(
          lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 2)]),
        ),
        body: rest.join('\r\n\r\n'),
      });
    };
    const before = received.length;
    const viaFast = await inPieces(fast.port);
    const viaExpress = await inPieces(plain.port);
    expect(viaFast).to.deep.equal(viaExpress);
    expect(viaFast.status).to.equal(201);
    expect(received.slice(before).map((r) => r.body)).to.deep.equal([body, body]);

    // The fast path only: express alone (jsonBody) takes a request whose client half-closed
    // before the end of its body for one without a body, and forwards it empty.
    const brokenOff = received.length;
    for (const port of [fast.port]) {
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.end(`POST /reservations HTTP/1.1\r\nhost: 127.0.0.1\r\n${head.join('')}\r\n${body.slice(0, 10)}`);
      socket.resume();
      await once(socket, 'close');
    }
    // The gateway still answers, and forwarded nothing of the half body.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.slice(brokenOff)).to.deep.equal([]);
    const { answers } = await both(headers, body);
    expect(answers[0]).to.deep.equal(answers[1]);
  });

  it('When a fan spends the command budget, Then the next hold is 429 with Retry-After on both, and each hold spent the budget once', async () => {
    const fan = await admitted(`greedy-${run}`);
    const headers = {
      authorization: `Bearer ${fan.token}`,
      'queue-token': fan.queueToken,
      'content-type': 'application/json',
    };
    const remaining: number[] = [];
    for (let i = 0; i < 30; i++) {
      for (const port of [fast.port, plain.port]) {
        const answer = await ask(port, headers, hold([TAKEN]));
        remaining.push(Number(/"commands-user";r=(\d+)/.exec(answer.headers.ratelimit ?? '')?.[1]));
      }
    }
    // One budget of 60, one unit per hold, whichever path answered.
    expect(remaining).to.deep.equal(Array.from({ length: 60 }, (_, i) => 59 - i));
    const handedOver = await fastPathCount('handed_over');
    const { answers, forwarded } = await both({ ...headers, 'x-request-id': 'limited' }, hold(['S-1']));
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(answers[0].status).to.equal(429);
    expect(answers[0].headers['retry-after']).to.match(/^\d+$/);
    expect(forwarded).to.deep.equal([undefined, undefined]);
    expect((await fastPathCount('handed_over')) - handedOver).to.equal(1);
  });

  it('When the session is no longer admitted (ended by a payment), Then both refuse the hold alike, having spent the budget once', async () => {
    const fan = await admitted(`done-${run}`);
    await waitingRoomOf(gateway.deps.stages.holdFastPath!.queue).complete(concertId, `done-${run}`);
    const { answers, forwarded } = await both(
      {
        authorization: `Bearer ${fan.token}`,
        'queue-token': fan.queueToken,
        'content-type': 'application/json',
        'x-request-id': 'ended',
      },
      hold(['S-1']),
    );
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(answers[0].status).to.equal(401);
    expect(JSON.parse(answers[0].body)).to.include({ code: 'queue-token-invalid' });
    expect(answers[0].headers.ratelimit).to.match(/"commands-user";r=N/);
    expect(forwarded).to.deep.equal([undefined, undefined]);
  });

  it('When no command API instance answers, Then both answer 503 unavailable alike', async () => {
    const fan = await admitted(`late-${run}`);
    await new Promise((resolve) => standIn.close(resolve));
    const { answers } = await both(
      {
        authorization: `Bearer ${fan.token}`,
        'queue-token': fan.queueToken,
        'content-type': 'application/json',
        'x-request-id': 'down',
      },
      hold(['S-1']),
    );
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(answers[0].status).to.equal(503);
    expect(JSON.parse(answers[0].body)).to.include({ code: 'unavailable' });
  });
});
