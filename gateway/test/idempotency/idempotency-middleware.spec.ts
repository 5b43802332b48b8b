import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { paymentStreamId, walletStreamId } from '@concert/domain';
import {
  createEventStore,
  createRedis,
  deleteKeysWithPrefix,
  loadConfig,
  PostgresIdempotencyStore,
  redisReady,
  type Config,
  type EventStore,
} from '@concert/infra';
import { waitFor } from '@concert/infra/testing';
import { requestFingerprint } from '../../src/idempotency/index.js';
import { freePort } from '@concert/infra/testing';
import { CommandApiFixture, send } from './command-api-fixture.js';
import { hits, startTestGateway, type TestGateway } from './test-gateway.js';

/**
 * Idempotency-Key in front of a real command-api process (the run's database), through a
 * plain proxy: what a client sees, and what the event store shows happened.
 */
describe('idempotency middleware in front of the command API', function () {
  this.timeout(120_000);
  const IN_FLIGHT_TIMEOUT_MS = 5_000;
  let config: Config;
  let api: CommandApiFixture;
  let events: EventStore;
  let store: PostgresIdempotencyStore;
  let gateway: TestGateway;
  let upstream: string;

  before(async () => {
    const redisKeyPrefix = `test:idem:${randomUUID().slice(0, 8)}:`;
    config = loadConfig({ ...process.env, REDIS_KEY_PREFIX: redisKeyPrefix });
    api = new CommandApiFixture(config);
    await api.start({ REDIS_KEY_PREFIX: redisKeyPrefix, HOLD_DURATION_MS: '600000' });
    upstream = api.service.url;
    events = createEventStore(config);
    store = new PostgresIdempotencyStore({
      connectionString: config.IDEMPOTENCY_DATABASE_URL,
      inFlightTimeoutMs: IN_FLIGHT_TIMEOUT_MS,
      retentionMs: 24 * 60 * 60 * 1000,
    });
    gateway = await startTestGateway(config, store, () => upstream);
  });

  afterEach(() => {
    upstream = api.service.url;
  });

  after(async () => {
    await gateway?.close();
    await api?.service?.stop();
    await store?.close();
    await events?.close();
    const redis = createRedis({ url: config.REDIS_URL });
    await redisReady(redis, 5000);
    await deleteKeysWithPrefix(redis, config.REDIS_KEY_PREFIX);
    redis.disconnect();
  });

  const eventTypes = async (streamId: string): Promise<string[]> =>
    (await events.readStream(streamId)).map((e) => e.type);

  it('When 50 identical payments with one key arrive at once, Then exactly one payment runs and the others are refused as in use or replayed; a later repeat replays the same answer', async () => {
    const fan = api.newUser();
    await api.charge(fan.token, 5000);
    const reservationId = await api.hold(fan.token);
    const key = randomUUID();
    const pay = () =>
      send('POST', `${gateway.url}/payments`, {
        token: fan.token,
        body: { reservationId },
        headers: { 'idempotency-key': key },
      });

    const answers = await Promise.all(Array.from({ length: 50 }, pay));

    const payments = await eventTypes(paymentStreamId(reservationId));
    expect(payments.filter((t) => t === 'PaymentRequested')).to.have.length(1);
    expect(payments.filter((t) => t === 'PaymentCompleted')).to.have.length(1);
    expect((await eventTypes(walletStreamId(fan.userId))).filter((t) => t === 'WalletDebited')).to.have.length(1);

    const original = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null);
    const replayed = answers.filter((a) => a.status === 201 && a.headers.get('idempotent-replayed') === 'true');
    const inUse = answers.filter((a) => a.status === 409 && a.body.code === 'idempotency-key-in-use');
    expect(original, 'the one request that ran').to.have.length(1);
    expect(
      original.length + replayed.length + inUse.length,
      JSON.stringify(answers.map((a) => [a.status, a.body.code])),
    ).to.equal(50);
    for (const a of inUse) expect(Number(a.headers.get('retry-after'))).to.be.greaterThan(0);
    const first = original[0]!;
    expect(first.body).to.include({ reservationId, status: 'COMPLETED', amount: 1000 });
    for (const a of replayed) expect(a.text).to.equal(first.text);
    expect(await hits(gateway.registry, 'in-use')).to.be.at.least(inUse.length);

    const repeat = await pay();
    expect(repeat.status).to.equal(201);
    expect(repeat.headers.get('idempotent-replayed')).to.equal('true');
    expect(repeat.text).to.equal(first.text);
    expect(repeat.headers.get('content-type')).to.equal(first.headers.get('content-type'));
    expect(repeat.headers.get('location')).to.equal(first.headers.get('location'));
    expect(repeat.headers.get('x-consistency-token')).to.equal(first.headers.get('x-consistency-token'));
    expect(await eventTypes(paymentStreamId(reservationId))).to.deep.equal(payments);
    expect(await hits(gateway.registry, 'replayed')).to.be.at.least(replayed.length + 1);
  });

  it('When a key is sent again with another body or to another path, Then 422 idempotency-key-reused and nothing runs', async () => {
    const fan = api.newUser();
    const key = randomUUID();
    const charge = (amount: number, path = '/wallet/charges') =>
      send('POST', `${gateway.url}${path}`, {
        token: fan.token,
        body: { amount },
        headers: { 'idempotency-key': key },
      });
    expect((await charge(300)).status).to.equal(201);

    const otherBody = await charge(500);
    expect(otherBody.status).to.equal(422);
    expect(otherBody.body).to.include({ code: 'idempotency-key-reused' });
    expect(otherBody.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const otherPath = await charge(300, '/payments');
    expect(otherPath.status).to.equal(422);
    expect((await eventTypes(walletStreamId(fan.userId))).filter((t) => t === 'WalletCharged')).to.have.length(1);
    expect(await hits(gateway.registry, 'reused')).to.be.at.least(2);
  });

  it('When the same payload is serialised with other whitespace, Then it is the same request (replayed)', async () => {
    const fan = api.newUser();
    const key = randomUUID();
    const headers = {
      authorization: `Bearer ${fan.token}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    };
    const first = await fetch(`${gateway.url}/wallet/charges`, { method: 'POST', headers, body: '{"amount": 700}' });
    expect(first.status).to.equal(201);
    const again = await fetch(`${gateway.url}/wallet/charges`, { method: 'POST', headers, body: '  {"amount":700}\n' });
    expect(again.status).to.equal(201);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
  });

  it('When /payments or /wallet/charges comes without a key, Then 400 idempotency-key-required and nothing reaches the command API', async () => {
    const fan = api.newUser();
    const reservationId = await api.hold(fan.token);
    const payment = await send('POST', `${gateway.url}/payments`, { token: fan.token, body: { reservationId } });
    expect(payment.status).to.equal(400);
    expect(payment.body).to.include({ code: 'idempotency-key-required' });
    const charge = await send('POST', `${gateway.url}/wallet/charges`, { token: fan.token, body: { amount: 100 } });
    expect(charge.status).to.equal(400);
    expect(charge.body).to.include({ code: 'idempotency-key-required' });
    const slashed = await send('POST', `${gateway.url}/wallet/charges/`, { token: fan.token, body: { amount: 100 } });
    expect(slashed.body).to.include({ code: 'idempotency-key-required' });
    expect(await eventTypes(paymentStreamId(reservationId))).to.deep.equal([]);
    expect(await eventTypes(walletStreamId(fan.userId))).to.deep.equal([]);
  });

  it('When a key is empty, longer than 255 characters or not printable, Then 400 validation', async () => {
    const fan = api.newUser();
    for (const key of ['', 'x'.repeat(256), 'tab\there']) {
      const answer = await send('POST', `${gateway.url}/wallet/charges`, {
        token: fan.token,
        body: { amount: 100 },
        headers: { 'idempotency-key': key },
      });
      expect(answer.status, key).to.equal(400);
      expect(answer.body).to.include({ code: 'validation' });
    }
    expect(await eventTypes(walletStreamId(fan.userId))).to.deep.equal([]);
  });

  it('When another POST carries a key, Then it is honoured; without one, it simply runs', async () => {
    const fan = api.newUser();
    const key = randomUUID();
    const hold = (seatId: string, withKey: boolean) =>
      send('POST', `${gateway.url}/reservations`, {
        token: fan.token,
        body: { scheduleId: api.scheduleId, seatIds: [seatId] },
        headers: withKey ? { 'idempotency-key': key } : {},
      });
    const seatId = `A-${150 + Math.floor(Math.random() * 50)}`;
    const first = await hold(seatId, true);
    expect(first.status).to.equal(201);
    const repeat = await hold(seatId, true);
    expect(repeat.status).to.equal(201);
    expect(repeat.headers.get('idempotent-replayed')).to.equal('true');
    expect(repeat.body.reservationId).to.equal(first.body.reservationId);
    // Without a key the command API answers for itself: the seat is taken by the first hold.
    const unkeyed = await hold(seatId, false);
    expect(unkeyed.status).to.equal(409);
    expect(unkeyed.headers.get('idempotent-replayed')).to.equal(null);
  });

  it('When the upstream refuses the connection (nothing was sent), Then the key is released and a retry with it runs', async () => {
    const fan = api.newUser();
    const key = randomUUID();
    const charge = () =>
      send('POST', `${gateway.url}/wallet/charges`, {
        token: fan.token,
        body: { amount: 250 },
        headers: { 'idempotency-key': key },
      });
    upstream = `http://127.0.0.1:${await freePort()}`; // nobody listens there

    const failed = await charge();
    expect(failed.status).to.equal(502);

    upstream = api.service.url;
    const retried = await charge();
    expect(retried.status).to.equal(201);
    expect(retried.headers.get('idempotent-replayed')).to.equal(null);
    expect(retried.body).to.deep.equal({ balance: 250 });
  });

  it('When the upstream breaks off after the request was sent (502), Then the key stays in flight: a retry is refused as in use and the charge does not run twice', async () => {
    const fan = api.newUser();
    const key = randomUUID();
    const charge = () =>
      send('POST', `${gateway.url}/wallet/charges`, {
        token: fan.token,
        body: { amount: 250 },
        headers: { 'idempotency-key': key },
      });
    // Reads the request, then drops the connection without an answer: the command may have run.
    const breaking = createNetServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => breaking.listen(0, '127.0.0.1', resolve));
    try {
      upstream = `http://127.0.0.1:${(breaking.address() as AddressInfo).port}`;
      const failed = await charge();
      expect(failed.status).to.equal(502);
    } finally {
      breaking.close();
    }
    upstream = api.service.url;
    const retried = await charge();
    expect(retried.status, retried.text).to.equal(409);
    expect(retried.body).to.include({ code: 'idempotency-key-in-use' });
    expect(await eventTypes(walletStreamId(fan.userId))).to.deep.equal([]);
  });

  it('When the command API answers a concurrency conflict (409 concurrent-update), Then it is not stored as final and a retry with the key runs', async () => {
    const fan = api.newUser();
    const key = randomUUID();
    const charge = () =>
      send('POST', `${gateway.url}/wallet/charges`, {
        token: fan.token,
        body: { amount: 300 },
        headers: { 'idempotency-key': key },
      });
    const conflicting = createServer((_req, res) => {
      res.writeHead(409, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, code: 'concurrent-update' }));
    });
    await new Promise<void>((resolve) => conflicting.listen(0, '127.0.0.1', resolve));
    try {
      upstream = `http://127.0.0.1:${(conflicting.address() as AddressInfo).port}`;
      const conflict = await charge();
      expect(conflict.status).to.equal(409);
      expect(conflict.body).to.include({ code: 'concurrent-update' });
    } finally {
      conflicting.close();
    }
    upstream = api.service.url;
    const retried = await charge();
    expect(retried.status, retried.text).to.equal(201);
    expect(retried.headers.get('idempotent-replayed')).to.equal(null);
    expect(retried.body).to.deep.equal({ balance: 300 });
  });

  it('When a gateway check after this stage refuses (queue token), Then the key is released and the corrected request runs', async () => {
    const fan = api.newUser();
    await api.charge(fan.token, 2000);
    const reservationId = await api.hold(fan.token);
    const key = randomUUID();
    const pay = (queueToken: string) =>
      send('POST', `${gateway.url}/payments`, {
        token: fan.token,
        body: { reservationId },
        headers: { 'idempotency-key': key, 'queue-token': queueToken },
      });
    const refused = await pay('invalid');
    expect(refused.status).to.equal(401);
    expect(refused.body).to.include({ code: 'queue-token-invalid' });

    const paid = await pay('valid');
    expect(paid.status).to.equal(201);
    expect(paid.headers.get('idempotent-replayed')).to.equal(null);
    expect(paid.body).to.include({ reservationId, status: 'COMPLETED' });
  });

  it('When the client gives up after its request was forwarded, Then the key stays in flight (the command may be running) and a retry is refused as in use', async () => {
    const fan = api.newUser();
    const key = randomUUID();
    const charge = (signal?: AbortSignal) =>
      fetch(`${gateway.url}/wallet/charges`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fan.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ amount: 120 }),
        ...(signal ? { signal } : {}),
      });
    // An upstream that accepts the connection and never answers.
    let forwarded = 0;
    const stalled = createNetServer(() => {
      forwarded += 1;
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      upstream = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
      const controller = new AbortController();
      const pending = charge(controller.signal).catch((error: unknown) => error);
      // Probe only once the first request reached the upstream: a probe sent earlier could
      // claim the key itself and wait on the stalled upstream for ever.
      await waitFor('the first request to reach the upstream', () => forwarded === 1, 20_000, 20);
      expect((await charge(AbortSignal.timeout(10_000))).status).to.equal(409);
      expect(forwarded).to.equal(1);
      controller.abort();
      expect(await pending).to.be.instanceOf(Error);

      upstream = api.service.url;
      await new Promise((resolve) => setTimeout(resolve, 300)); // the gateway has seen the client go
      const retried = await charge();
      expect(retried.status).to.equal(409);
      expect(await eventTypes(walletStreamId(fan.userId))).to.deep.equal([]);
    } finally {
      stalled.close();
    }
  });

  it('When the command API refuses for a business reason, Then that answer is kept and replayed; a refusal that changed nothing is not', async () => {
    const fan = api.newUser();
    const reservationId = await api.hold(fan.token); // the wallet is empty
    const key = randomUUID();
    const pay = () =>
      send('POST', `${gateway.url}/payments`, {
        token: fan.token,
        body: { reservationId },
        headers: { 'idempotency-key': key },
      });
    const poor = await pay();
    expect(poor.status).to.equal(422);
    expect(poor.body).to.include({ code: 'insufficient-funds' });
    const again = await pay();
    expect(again.status).to.equal(422);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    expect(again.text).to.equal(poor.text);

    const stranger = api.newUser();
    const otherKey = randomUUID();
    const notYours = () =>
      send('POST', `${gateway.url}/payments`, {
        token: stranger.token,
        body: { reservationId },
        headers: { 'idempotency-key': otherKey },
      });
    expect((await notYours()).status).to.equal(403);
    const forbiddenAgain = await notYours();
    expect(forbiddenAgain.status, forbiddenAgain.text).to.equal(403);
    expect(forbiddenAgain.headers.get('idempotent-replayed')).to.equal(null);
  });

  it('When a key is in flight, Then 409 with Retry-After; once the in-flight timeout has passed (a crashed gateway), Then the next request takes it over and runs', async () => {
    const fan = api.newUser();
    const key = randomUUID();
    const body = { amount: 400 };
    const fingerprint = requestFingerprint('POST', '/wallet/charges', body);
    const charge = () =>
      send('POST', `${gateway.url}/wallet/charges`, { token: fan.token, body, headers: { 'idempotency-key': key } });

    // Another gateway began this request and died without settling it.
    expect((await store.begin(fan.userId, key, fingerprint)).kind).to.equal('started');
    const busy = await charge();
    expect(busy.status).to.equal(409);
    expect(busy.body).to.include({ code: 'idempotency-key-in-use' });
    expect(Number(busy.headers.get('retry-after'))).to.be.greaterThan(0);

    // In-flight age is the database's clock: the record is made older there.
    await store.pool.query(
      `UPDATE idempotency.keys SET locked_at = locked_at - $3 * interval '1 millisecond' WHERE user_id = $1 AND key = $2`,
      [fan.userId, key, IN_FLIGHT_TIMEOUT_MS],
    );
    const takeover = await charge();
    expect(takeover.status).to.equal(201);
    expect(takeover.headers.get('idempotent-replayed')).to.equal(null);
    expect(takeover.body).to.deep.equal({ balance: 400 });
    expect((await charge()).headers.get('idempotent-replayed')).to.equal('true');
  });

  it('When the Idempotency DB is down, Then 503 unavailable and the command API is never called', async () => {
    const fan = api.newUser();
    const down = new PostgresIdempotencyStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      inFlightTimeoutMs: 1000,
      retentionMs: 1000,
    });
    const broken = await startTestGateway(config, down, () => api.service.url);
    try {
      const answer = await send('POST', `${broken.url}/wallet/charges`, {
        token: fan.token,
        body: { amount: 100 },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(answer.status).to.equal(503);
      expect(answer.body).to.include({ code: 'unavailable' });
      expect(answer.headers.get('retry-after')).to.not.equal(null);
      expect(await eventTypes(walletStreamId(fan.userId))).to.deep.equal([]);
    } finally {
      await broken.close();
      await down.close();
    }
  });
});
