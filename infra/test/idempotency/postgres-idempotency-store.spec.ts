import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { PostgresIdempotencyStore } from '../../src/idempotency/postgres-idempotency-store.js';
import type { StoredResponse } from '../../src/idempotency/idempotency-store.js';

/**
 * The Idempotency DB against the run's PostgreSQL (schema `idempotency`, migrated by the
 * global setup). Each test has its own user ids and a clock of its own in 2001-2004, so its
 * records never meet another test's; tests that delete expired records use a time before
 * all others (1970-1985, one year each) and leave nothing behind.
 */
describe('PostgresIdempotencyStore', function () {
  const IN_FLIGHT_TIMEOUT_MS = 30_000;
  const HOUR = 60 * 60 * 1000;
  let now: Date;
  let store: PostgresIdempotencyStore;
  let user: string;
  const created: PostgresIdempotencyStore[] = [];

  const open = (options: { retentionMs?: number; deleteBatchSize?: number } = {}): PostgresIdempotencyStore => {
    const opened = new PostgresIdempotencyStore({
      connectionString: process.env.DATABASE_URL!,
      inFlightTimeoutMs: IN_FLIGHT_TIMEOUT_MS,
      retentionMs: options.retentionMs ?? 24 * HOUR,
      now: () => now,
      ...(options.deleteBatchSize === undefined ? {} : { deleteBatchSize: options.deleteBatchSize }),
    });
    created.push(opened);
    return opened;
  };
  const later = (ms: number): void => {
    now = new Date(now.getTime() + ms);
  };
  /** In-flight time is the database's clock: a record is made older by moving its lock back. */
  const ageInFlight = async (ms: number): Promise<void> => {
    await store.pool.query(
      `UPDATE idempotency.keys SET locked_at = locked_at - $2 * interval '1 millisecond' WHERE user_id = $1`,
      [user, ms],
    );
  };
  const paid: StoredResponse = {
    status: 201,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      location: '/payments/p-1',
      'x-consistency-token': '7.12',
    },
    body: Buffer.from('{"paymentId":"p-1","status":"COMPLETED"}'),
  };

  beforeEach(() => {
    now = new Date(Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 1000) * 24 * HOUR);
    user = `user-${randomUUID()}`;
    store = open();
  });

  // The PostgreSQL server is shared by every test run on the machine: hold no idle connections.
  afterEach(async () => {
    await Promise.all(created.splice(0).map((s) => s.close()));
  });

  it('When a key is new, Then begin starts it; When it is begun again meanwhile, Then it is in flight', async () => {
    const first = await store.begin(user, 'k1', 'fp-a');
    expect(first.kind).to.equal('started');
    expect(await store.begin(user, 'k1', 'fp-a')).to.deep.equal({ kind: 'in-flight' });
  });

  it('When the first request completed, Then a repeat gets its status, headers and exact body back', async () => {
    const first = await store.begin(user, 'k1', 'fp-a');
    if (first.kind !== 'started') throw new Error(`expected started, got ${first.kind}`);
    const binary = { ...paid, body: Buffer.from([0, 255, 10, 13, 0x7b]) };
    expect(await store.complete(first.claim, binary)).to.equal(true);

    const repeat = await store.begin(user, 'k1', 'fp-a');
    expect(repeat).to.deep.equal({ kind: 'completed', response: binary });
  });

  it('When the same key comes with another fingerprint, Then it is a mismatch, in flight or completed', async () => {
    const first = await store.begin(user, 'k1', 'fp-a');
    expect(await store.begin(user, 'k1', 'fp-b')).to.deep.equal({ kind: 'mismatch' });
    if (first.kind !== 'started') throw new Error('expected started');
    await store.complete(first.claim, paid);
    expect(await store.begin(user, 'k1', 'fp-b')).to.deep.equal({ kind: 'mismatch' });
    expect((await store.begin(user, 'k1', 'fp-a')).kind).to.equal('completed');
  });

  it('When two users send the same key, Then each has a record of their own', async () => {
    const other = `user-${randomUUID()}`;
    expect((await store.begin(user, 'shared', 'fp-a')).kind).to.equal('started');
    expect((await store.begin(other, 'shared', 'fp-b')).kind).to.equal('started');
  });

  it('When a started request is released, Then the key can be begun again, and only its owner could release it', async () => {
    const first = await store.begin(user, 'k1', 'fp-a');
    if (first.kind !== 'started') throw new Error('expected started');
    expect(await store.release({ ...first.claim, lockId: randomUUID() })).to.equal(false);
    expect(await store.begin(user, 'k1', 'fp-a')).to.deep.equal({ kind: 'in-flight' });

    expect(await store.release(first.claim)).to.equal(true);
    const retry = await store.begin(user, 'k1', 'fp-b');
    expect(retry.kind).to.equal('started');
  });

  it('When an in-flight record is older than the in-flight timeout, Then the next begin takes it over and the old owner can no longer settle it', async () => {
    const crashed = await store.begin(user, 'k1', 'fp-a');
    if (crashed.kind !== 'started') throw new Error('expected started');
    await ageInFlight(IN_FLIGHT_TIMEOUT_MS - 1_000);
    expect(await store.begin(user, 'k1', 'fp-a')).to.deep.equal({ kind: 'in-flight' });

    await ageInFlight(1_000);
    const takeover = await store.begin(user, 'k1', 'fp-a');
    if (takeover.kind !== 'started') throw new Error(`expected a takeover, got ${takeover.kind}`);
    expect(takeover.claim.lockId).to.not.equal(crashed.claim.lockId);

    expect(await store.complete(crashed.claim, { ...paid, status: 409 })).to.equal(false);
    expect(await store.release(crashed.claim)).to.equal(false);
    expect(await store.complete(takeover.claim, paid)).to.equal(true);
    expect(await store.begin(user, 'k1', 'fp-a')).to.deep.equal({ kind: 'completed', response: paid });
  });

  it('When an abandoned record is begun with another fingerprint, Then it is still a mismatch, not a takeover', async () => {
    await store.begin(user, 'k1', 'fp-a');
    await ageInFlight(IN_FLIGHT_TIMEOUT_MS * 2);
    expect(await store.begin(user, 'k1', 'fp-b')).to.deep.equal({ kind: 'mismatch' });
  });

  it("When gateways' clocks disagree, Then the database clock decides whether a record is abandoned: a gateway running ahead cannot take over a fresh one", async () => {
    expect((await store.begin(user, 'k1', 'fp-a')).kind).to.equal('started');
    const ahead = open();
    const realNow = now;
    now = new Date(realNow.getTime() + 2 * IN_FLIGHT_TIMEOUT_MS);
    expect(await ahead.begin(user, 'k1', 'fp-a')).to.deep.equal({ kind: 'in-flight' });
    now = realNow;
    expect(await store.begin(user, 'k1', 'fp-a')).to.deep.equal({ kind: 'in-flight' });
  });

  it('When 30 requests begin one key at once, Then exactly one starts and the others see it in flight', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => store.begin(user, 'k1', 'fp-a')));
    expect(results.filter((r) => r.kind === 'started')).to.have.length(1);
    expect(results.filter((r) => r.kind === 'in-flight')).to.have.length(29);
  });

  it('When 30 requests race to take over one abandoned record, Then exactly one wins', async () => {
    await store.begin(user, 'k1', 'fp-a');
    await ageInFlight(IN_FLIGHT_TIMEOUT_MS);
    const results = await Promise.all(Array.from({ length: 30 }, () => store.begin(user, 'k1', 'fp-a')));
    expect(results.filter((r) => r.kind === 'started')).to.have.length(1);
  });

  it('When records pass their retention, Then deleteExpired deletes exactly those, and their keys start afresh', async () => {
    // Earlier than every other test's clock (see beforeEach), so the counts are this test's own.
    now = new Date(Date.UTC(1980, 0, 1));
    const short = open({ retentionMs: HOUR });
    const a = await short.begin(user, 'a', 'fp-a');
    if (a.kind !== 'started') throw new Error('expected started');
    await short.complete(a.claim, paid);
    await short.begin(user, 'b', 'fp-b'); // left in flight
    later(2 * HOUR);
    const c = await short.begin(user, 'c', 'fp-c');
    if (c.kind !== 'started') throw new Error('expected started');
    await short.complete(c.claim, paid);

    expect(await short.deleteExpired(new Date(now.getTime() - HOUR))).to.equal(2);
    expect(await short.deleteExpired(new Date(now.getTime() - HOUR))).to.equal(0);
    expect((await short.begin(user, 'a', 'fp-other')).kind).to.equal('started');
    expect((await short.begin(user, 'c', 'fp-c')).kind).to.equal('completed');
    expect(await short.deleteExpired(new Date(Date.UTC(1980, 0, 10)))).to.equal(2); // leaves nothing for the next run of this test
  });

  it('When more records are expired than one batch deletes, Then deleteExpired goes on batch by batch and counts them all', async () => {
    now = new Date(Date.UTC(1985, 0, 1)); // as above: a time no other test uses
    const short = open({ retentionMs: HOUR, deleteBatchSize: 2 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) await short.begin(user, key, 'fp');
    expect(await short.deleteExpired(new Date(Date.UTC(1985, 0, 2)))).to.equal(5);
  });

  it('When a completed record is past its retention but not yet deleted, Then the key is free again, whatever the body', async () => {
    const short = open({ retentionMs: HOUR });
    const a = await short.begin(user, 'a', 'fp-a');
    if (a.kind !== 'started') throw new Error('expected started');
    await short.complete(a.claim, paid);
    later(HOUR);
    expect((await short.begin(user, 'a', 'fp-other')).kind).to.equal('started');
  });

  it('Given every connection of the pool busy for longer than the connect timeout, When a request begins a key, Then it waits for a connection and starts (a busy database is slow, not unavailable)', async function () {
    this.timeout(15_000);
    const single = new PostgresIdempotencyStore({
      connectionString: process.env.DATABASE_URL!,
      inFlightTimeoutMs: IN_FLIGHT_TIMEOUT_MS,
      retentionMs: HOUR,
      maxConnections: 1,
      now: () => now,
    });
    created.push(single);
    // The pool's only connection runs a statement for 3 s: longer than the 2 s connect timeout.
    const busy = single.pool.query('SELECT pg_sleep(3)');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const begun = await single.begin(user, 'k-busy', 'fp-a');

    expect(begun.kind).to.equal('started');
    await busy;
  });

  it('When the database is unreachable, Then begin rejects (the gateway answers 503)', async () => {
    const down = new PostgresIdempotencyStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      inFlightTimeoutMs: IN_FLIGHT_TIMEOUT_MS,
      retentionMs: HOUR,
    });
    created.push(down);
    let failure: unknown;
    await down.begin(user, 'k1', 'fp-a').catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
  });
});
