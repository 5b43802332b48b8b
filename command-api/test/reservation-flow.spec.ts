import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import {
  concertStreamId,
  DomainError,
  paymentStreamId,
  reservationDecider,
  reservationStreamId,
  scheduleStreamId,
  seatStreamId,
} from '@concert/domain';
import { comparePositions, parsePosition, PostgresEventStore, type SeatLocks } from '@concert/infra';
import {
  expireReservation,
  handleCommand,
  openPayment,
  releaseOrphanSeat,
  resumePayment,
  type CommandContext,
} from '@concert/write-model';
import { call, CommandApiCluster, expectProblem, type ApiResponse } from './command-api-harness.js';

/** The happy paths (and their nearest refusals) of docs/api.md, through HTTP, on a clock the test moves. */

const HOLD_DURATION_MS = 60_000;
const CONSISTENCY_TOKEN = /^\d+\.\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Seats of every schedule made here, with distinct prices so that sums are telling. */
const PRICES: Readonly<Record<string, number>> = { 'A-1': 150, 'A-2': 120, 'A-3': 100, 'B-1': 90, 'B-2': 80 };

interface Hold {
  reservationId: string;
  status: string;
  scheduleId: string;
  seatIds: string[];
  amount: number;
  expiresAt: string;
}

interface Payment {
  paymentId: string;
  reservationId: string;
  status: string;
  amount: number;
}

describe('command API: the reservation flow through HTTP', () => {
  let cluster: CommandApiCluster;
  let url: string;
  let locks: SeatLocks | undefined;
  let store: PostgresEventStore;
  let admin: string;
  /** Only ever moves forward; each test uses fresh schedules and users, so earlier holds do not matter. */
  let clockMs = Date.parse('2026-06-01T10:00:00.000Z');
  const now = (): Date => new Date(clockMs);
  const advance = (ms: number): void => {
    clockMs += ms;
  };

  before(async () => {
    // Built here, not in the describe body: the per-run DATABASE_URL is set by the global setup, which runs after files load.
    cluster = new CommandApiCluster({ HOLD_DURATION_MS: String(HOLD_DURATION_MS) });
    const [instance] = await cluster.start(1, { now });
    url = instance!.url;
    locks = instance!.deps.locks;
    store = new PostgresEventStore({ connectionString: cluster.config.DATABASE_URL });
    admin = cluster.token(`admin-${randomUUID()}`, ['admin']);
  });

  after(async () => {
    await cluster?.stop();
    await store?.close();
  });

  function fan(name: string): { userId: string; token: string } {
    const userId = `${name}-${randomUUID()}`;
    return { userId, token: cluster.token(userId) };
  }

  async function givenSchedule(): Promise<{ concertId: string; scheduleId: string }> {
    const concert = await call<{ concertId: string }>(url, 'POST', '/admin/concerts', {
      token: admin,
      body: { title: 'Flow', venue: 'Hall' },
    });
    expect(concert.status).to.equal(201);
    const seats = Object.entries(PRICES).map(([seatId, price]) => ({
      seatId,
      grade: seatId.startsWith('A') ? 'R' : 'S',
      price,
    }));
    const schedule = await call<{ scheduleId: string }>(
      url,
      'POST',
      `/admin/concerts/${concert.body.concertId}/schedules`,
      {
        token: admin,
        body: { startsAt: '2026-09-01T19:00:00.000Z', seats },
      },
    );
    expect(schedule.status).to.equal(201);
    return { concertId: concert.body.concertId, scheduleId: schedule.body.scheduleId };
  }

  const hold = (
    token: string,
    scheduleId: string,
    seatIds: string[],
  ): Promise<ApiResponse<Hold & Record<string, unknown>>> =>
    call(url, 'POST', '/reservations', { token, body: { scheduleId, seatIds } });

  async function held(token: string, scheduleId: string, seatIds: string[]): Promise<Hold> {
    const response = await hold(token, scheduleId, seatIds);
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body;
  }

  const cancel = (token: string, reservationId: string): Promise<ApiResponse> =>
    call(url, 'POST', `/reservations/${reservationId}/cancel`, { token });

  async function charge(token: string, amount: number): Promise<number> {
    const response = await call<{ balance: number }>(url, 'POST', '/wallet/charges', { token, body: { amount } });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body.balance;
  }

  const pay = (token: string, reservationId: string): Promise<ApiResponse<Payment & Record<string, unknown>>> =>
    call(url, 'POST', '/payments', { token, body: { reservationId } });

  /** The workers issue the timeout commands in-process, with a context of their own (no user) and the seat locks. */
  const systemContext = (): CommandContext => ({
    store,
    now,
    correlationId: randomUUID(),
    ...(locks ? { locks } : {}),
  });
  const expire = (reservationId: string) => expireReservation(systemContext(), reservationId);
  const refusalOf = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );
  const expectRefusal = (error: unknown, code: string): void => {
    expect(error).to.be.instanceOf(DomainError);
    expect((error as DomainError).code).to.equal(code);
  };

  const typesOf = async (streamId: string): Promise<string[]> => (await store.readStream(streamId)).map((e) => e.type);

  describe('catalog', () => {
    it('When an admin creates a concert and then a schedule, Then each answers 201 with its id and a consistency token', async () => {
      const concert = await call(url, 'POST', '/admin/concerts', {
        token: admin,
        body: { title: 'Opening night', venue: 'Olympic Hall' },
      });
      expect(concert.status).to.equal(201);
      expect(concert.body).to.have.keys('concertId');
      const concertId = String(concert.body.concertId);
      expect(concertId).to.match(UUID);
      expect(concert.headers.get('location')).to.equal(`/concerts/${concertId}/schedules`);
      const concertToken = concert.headers.get('x-consistency-token') ?? '';
      expect(concertToken).to.match(CONSISTENCY_TOKEN);

      const schedule = await call(url, 'POST', `/admin/concerts/${concertId}/schedules`, {
        token: admin,
        body: { startsAt: '2026-09-01T19:00:00+09:00', seats: [{ seatId: 'A-1', grade: 'R', price: 150 }] },
      });
      expect(schedule.status).to.equal(201);
      expect(schedule.body).to.have.keys('scheduleId');
      const scheduleId = String(schedule.body.scheduleId);
      expect(scheduleId).to.match(UUID);
      expect(schedule.headers.get('location')).to.equal(`/schedules/${scheduleId}/seats`);
      const scheduleToken = schedule.headers.get('x-consistency-token') ?? '';
      expect(scheduleToken).to.match(CONSISTENCY_TOKEN);
      expect(comparePositions(parsePosition(scheduleToken)!, parsePosition(concertToken)!)).to.equal(1);

      expect(await typesOf(concertStreamId(concertId))).to.deep.equal(['ConcertCreated']);
      const [added] = await store.readStream(scheduleStreamId(scheduleId));
      expect(added?.type).to.equal('ScheduleAdded');
      expect(added?.data).to.deep.include({
        concertId,
        scheduleId,
        seats: [{ seatId: 'A-1', grade: 'R', price: 150 }],
      });
    });
  });

  describe('holding and cancelling', () => {
    it('When a fan holds two seats, Then 201 with exactly the hold: seats sorted, amount the sum of their prices, deadline now + HOLD_DURATION_MS', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      const at = now();

      const response = await hold(alice.token, scheduleId, ['B-1', 'A-2']);

      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      const { reservationId } = response.body;
      expect(reservationId).to.match(UUID);
      expect(response.body).to.deep.equal({
        reservationId,
        status: 'HELD',
        scheduleId,
        seatIds: ['A-2', 'B-1'],
        amount: PRICES['A-2']! + PRICES['B-1']!,
        expiresAt: new Date(at.getTime() + HOLD_DURATION_MS).toISOString(),
      });
      expect(response.headers.get('location')).to.equal(`/reservations/${reservationId}`);
      expect(response.headers.get('x-consistency-token')).to.match(CONSISTENCY_TOKEN);
      const [reservationHeld] = await store.readStream(reservationStreamId(reservationId));
      expect(reservationHeld?.data).to.deep.include({ userId: alice.userId, seatIds: ['A-2', 'B-1'], amount: 210 });
      expect(await typesOf(seatStreamId(scheduleId, 'A-2'))).to.deep.equal(['SeatHeld']);
    });

    it('When another fan asks for seats of which some are held, Then 409 seat-unavailable naming exactly the taken seats, and the free one is not kept', async () => {
      const { scheduleId } = await givenSchedule();
      await held(fan('alice').token, scheduleId, ['A-1', 'A-2']);
      const bob = fan('bob');

      const refused = await hold(bob.token, scheduleId, ['A-3', 'A-2', 'A-1']);

      expectProblem(refused, 409, 'seat-unavailable');
      expect(refused.body.seatIds).to.deep.equal(['A-1', 'A-2']);
      const free = await held(bob.token, scheduleId, ['A-3']);
      expect(free.seatIds).to.deep.equal(['A-3']);
    });

    it('When the owner cancels a held reservation, Then 200 CANCELLED and another fan can hold its seats', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      const { reservationId } = await held(alice.token, scheduleId, ['A-1', 'B-2']);

      const cancelled = await cancel(alice.token, reservationId);

      expect(cancelled.status).to.equal(200);
      expect(cancelled.body).to.deep.equal({ reservationId, status: 'CANCELLED' });
      expect(cancelled.headers.get('x-consistency-token')).to.match(CONSISTENCY_TOKEN);
      expect(await typesOf(reservationStreamId(reservationId))).to.deep.equal([
        'ReservationHeld',
        'ReservationCancelled',
      ]);
      const again = await held(fan('bob').token, scheduleId, ['B-2', 'A-1']);
      expect(again.seatIds).to.deep.equal(['A-1', 'B-2']);
    });

    it('When the owner cancels twice, Then the second answer is 409 reservation-not-held', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      const { reservationId } = await held(alice.token, scheduleId, ['A-3']);
      expect((await cancel(alice.token, reservationId)).status).to.equal(200);

      expectProblem(await cancel(alice.token, reservationId), 409, 'reservation-not-held');
    });
  });

  describe('the queue concert the gateway verified (X-Verified-Queue-Concert)', () => {
    const holdAs = (
      token: string,
      scheduleId: string,
      seatIds: string[],
      queueConcert: string,
    ): Promise<ApiResponse<Hold & Record<string, unknown>>> =>
      call(url, 'POST', '/reservations', {
        token,
        body: { scheduleId, seatIds },
        headers: { 'x-verified-queue-concert': queueConcert },
      });

    it("When a hold carries another concert than its schedule's, Then 401 queue-token-invalid and no seat is touched", async () => {
      const { scheduleId } = await givenSchedule();
      const { concertId: otherConcert } = await givenSchedule();

      expectProblem(await holdAs(fan('alice').token, scheduleId, ['A-1'], otherConcert), 401, 'queue-token-invalid');
      expect(await typesOf(seatStreamId(scheduleId, 'A-1'))).to.deep.equal([]);
    });

    it("When a hold carries its schedule's concert, even for a schedule added a moment ago, Then it is held; an unknown schedule is 404 schedule-not-found", async () => {
      const { concertId, scheduleId } = await givenSchedule();

      const answer = await holdAs(fan('alice').token, scheduleId, ['A-1'], concertId);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      expectProblem(await holdAs(fan('alice').token, randomUUID(), ['A-1'], concertId), 404, 'schedule-not-found');
    });
  });

  describe('wallet and payment', () => {
    it('When a fan charges the wallet twice, Then each 201 answers the accumulated balance', async () => {
      const alice = fan('alice');
      const first = await call(url, 'POST', '/wallet/charges', { token: alice.token, body: { amount: 500 } });
      expect(first.status).to.equal(201);
      expect(first.body).to.deep.equal({ balance: 500 });
      expect(first.headers.get('x-consistency-token')).to.match(CONSISTENCY_TOKEN);
      expect(await charge(alice.token, 250)).to.equal(750);
    });

    it('When a charge with an Idempotency-Key reaches the command API twice (a gateway retry after a 504), Then the wallet is charged once; another key or another user charges anew', async () => {
      const alice = fan('alice');
      const key = `charge-${randomUUID()}`;
      const once = { token: alice.token, body: { amount: 300 }, headers: { 'idempotency-key': key } };
      const first = await call<{ balance: number }>(url, 'POST', '/wallet/charges', once);
      expect(first.status).to.equal(201);
      const repeated = await call<{ balance: number }>(url, 'POST', '/wallet/charges', once);
      expect(repeated.status).to.equal(201);
      expect(repeated.body).to.deep.equal({ balance: 300 });
      const other = await call(url, 'POST', '/wallet/charges', { ...once, headers: { 'idempotency-key': `${key}-2` } });
      expect(other.body).to.deep.equal({ balance: 600 });
      const bob = fan('bob');
      expect((await call(url, 'POST', '/wallet/charges', { ...once, token: bob.token })).body).to.deep.equal({
        balance: 300,
      });
      const badKey = await call(url, 'POST', '/wallet/charges', {
        ...once,
        headers: { 'idempotency-key': 'x'.repeat(256) },
      });
      expectProblem(badKey, 400, 'validation');
    });

    it('When the owner pays a held reservation, Then 201 COMPLETED with its amount, the wallet drops by it and the seats are sold', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      await charge(alice.token, 1000);
      const { reservationId, amount } = await held(alice.token, scheduleId, ['A-1', 'A-2']);

      const paid = await pay(alice.token, reservationId);

      expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
      expect(paid.body.paymentId).to.match(UUID);
      expect(paid.body).to.deep.equal({
        paymentId: paid.body.paymentId,
        reservationId,
        status: 'COMPLETED',
        amount: 270,
      });
      expect(amount).to.equal(270);
      expect(paid.headers.get('x-consistency-token')).to.match(CONSISTENCY_TOKEN);
      expect(await charge(alice.token, 1)).to.equal(1000 - 270 + 1);
      expect(await typesOf(paymentStreamId(reservationId))).to.deep.equal(['PaymentRequested', 'PaymentCompleted']);
      expect(await typesOf(reservationStreamId(reservationId))).to.deep.equal([
        'ReservationHeld',
        'ReservationConfirmed',
      ]);
      expect(await typesOf(seatStreamId(scheduleId, 'A-1'))).to.deep.equal(['SeatHeld', 'SeatSold']);
      expectProblem(await hold(fan('bob').token, scheduleId, ['A-1']), 409, 'seat-unavailable');
    });

    it('When the reservation is already paid, Then paying again is 409 reservation-not-held and takes nothing', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      await charge(alice.token, 1000);
      const { reservationId } = await held(alice.token, scheduleId, ['A-3']);
      expect((await pay(alice.token, reservationId)).status).to.equal(201);

      expectProblem(await pay(alice.token, reservationId), 409, 'reservation-not-held');

      expect(await charge(alice.token, 1)).to.equal(1000 - 100 + 1);
    });

    it('When the wallet cannot cover the amount, Then 422 insufficient-funds and the balance is unchanged; after a charge, paying again succeeds', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      await charge(alice.token, 100);
      const { reservationId } = await held(alice.token, scheduleId, ['A-1', 'B-1']);

      const refused = await pay(alice.token, reservationId);

      expectProblem(refused, 422, 'insufficient-funds');
      expect(refused.body).to.include({ reservationId });
      expect(await charge(alice.token, 1)).to.equal(101);
      expect(await charge(alice.token, 200)).to.equal(301);
      const paid = await pay(alice.token, reservationId);
      expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
      expect(paid.body).to.include({ reservationId, status: 'COMPLETED', amount: 240 });
      expect(paid.body.paymentId).to.not.equal(refused.body.paymentId);
      expect(await charge(alice.token, 1)).to.equal(301 - 240 + 1);
    });

    it('When the owner pays one millisecond before the deadline, Then 201 COMPLETED', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      await charge(alice.token, 1000);
      const { reservationId } = await held(alice.token, scheduleId, ['B-2']);
      advance(HOLD_DURATION_MS - 1);

      const paid = await pay(alice.token, reservationId);

      expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
      expect(paid.body).to.include({ status: 'COMPLETED', amount: 80 });
    });

    it('When the owner pays at the deadline, Then 409 reservation-expired and the balance is unchanged', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      await charge(alice.token, 1000);
      const { reservationId } = await held(alice.token, scheduleId, ['A-2']);
      advance(HOLD_DURATION_MS);

      expectProblem(await pay(alice.token, reservationId), 409, 'reservation-expired');

      expect(await charge(alice.token, 1)).to.equal(1001);
      expect(await typesOf(reservationStreamId(reservationId))).to.deep.equal(['ReservationHeld']);
    });
  });

  describe('expiry saga commands (in-process, as the workers issue them)', () => {
    it("When the saga expires a hold, Then refused hold-not-expired before the deadline, 'expired' after it, 'already-expired' again, and the seats are holdable again", async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      const { reservationId } = await held(alice.token, scheduleId, ['A-1', 'A-3']);

      expectRefusal(await refusalOf(expire(reservationId)), 'hold-not-expired');
      advance(HOLD_DURATION_MS);
      const expired = await expire(reservationId);
      expect(expired.outcome).to.equal('expired');
      expect(expired.position).to.not.equal(undefined);
      const again = await expire(reservationId);
      expect(again.outcome).to.equal('already-expired');

      expect(await typesOf(seatStreamId(scheduleId, 'A-1'))).to.deep.equal(['SeatHeld', 'SeatReleased']);
      expectProblem(await pay(alice.token, reservationId), 409, 'reservation-expired');
      const next = await held(fan('bob').token, scheduleId, ['A-1', 'A-3']);
      expect(next.seatIds).to.deep.equal(['A-1', 'A-3']);
    });

    it("When the saga expires a paid reservation after its deadline, Then 'not-expirable' and the seats stay sold", async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      await charge(alice.token, 1000);
      const { reservationId } = await held(alice.token, scheduleId, ['B-1']);
      expect((await pay(alice.token, reservationId)).status).to.equal(201);
      advance(HOLD_DURATION_MS);

      const response = await expire(reservationId);

      expect(response.outcome).to.equal('not-expirable');
      expect(await typesOf(reservationStreamId(reservationId))).to.deep.equal([
        'ReservationHeld',
        'ReservationConfirmed',
      ]);
      expectProblem(await hold(fan('bob').token, scheduleId, ['B-1']), 409, 'seat-unavailable');
    });

    it("When a seat is held by a reservation whose ReservationHeld was never written, Then after its deadline the saga releases it ('released') and the late reservation cannot be placed", async () => {
      const { scheduleId } = await givenSchedule();
      const reservationId = randomUUID();
      const holdExpiresAt = new Date(now().getTime() + HOLD_DURATION_MS).toISOString();
      // The crash: SeatHeld appended, then the handler died before ReservationHeld.
      await store.append(
        seatStreamId(scheduleId, 'A-2'),
        [
          {
            type: 'SeatHeld',
            data: { scheduleId, seatId: 'A-2', reservationId, holdExpiresAt },
            metadata: {
              correlationId: 'crashed-hold',
              causationId: 'crashed-hold',
              occurredAt: now().toISOString(),
              schemaVersion: 1,
            },
          },
        ],
        'no-stream',
      );
      const release = () => releaseOrphanSeat(systemContext(), { scheduleId, seatId: 'A-2' });
      expectProblem(await hold(fan('bob').token, scheduleId, ['A-2']), 409, 'seat-unavailable');

      const early = await release();
      expect(early.outcome).to.equal('hold-not-expired');

      advance(HOLD_DURATION_MS);
      const released = await release();
      expect(released.outcome).to.equal('released');
      expect(released.position).to.not.equal(undefined);

      const reservationEvents = await store.readStream(reservationStreamId(reservationId));
      expect(reservationEvents.map((e) => e.type)).to.deep.equal(['ReservationExpired']);
      expect(reservationEvents[0]?.data).to.deep.include({ reservationId, scheduleId: null, seatIds: [] });
      expect(await typesOf(seatStreamId(scheduleId, 'A-2'))).to.deep.equal(['SeatHeld', 'SeatReleased']);

      // The slow handler wakes up and writes ReservationHeld, as hold-seats does after its SeatHeld.
      const ctx: CommandContext = { store, now, correlationId: 'crashed-hold' };
      const late = handleCommand(ctx, reservationStreamId(reservationId), reservationDecider, {
        type: 'PlaceHold',
        data: {
          reservationId,
          userId: 'slow-fan',
          scheduleId,
          seatIds: ['A-2'],
          amount: PRICES['A-2']!,
          expiresAt: new Date(holdExpiresAt),
        },
      });
      const error: unknown = await late.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(DomainError);
      expect((error as DomainError).code).to.equal('reservation-expired');
      expect(await typesOf(reservationStreamId(reservationId))).to.deep.equal(['ReservationExpired']);

      const again = await release();
      expect(again.outcome).to.equal('not-held');
      expect((await held(fan('bob').token, scheduleId, ['A-2'])).seatIds).to.deep.equal(['A-2']);
    });
  });

  describe('payment recovery commands (in-process, as the workers issue them)', () => {
    it('When a payment was opened but its process stopped, Then the recovery resume answers COMPLETED and the wallet is debited once', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      await charge(alice.token, 1000);
      const { reservationId } = await held(alice.token, scheduleId, ['A-1']);
      const paymentId = randomUUID();
      // The crash: PaymentRequested appended, then the handler died before any step ran.
      await openPayment(
        { store, now, correlationId: 'crashed-payment', userId: alice.userId },
        { reservationId, userId: alice.userId, paymentId },
      );
      expect(await typesOf(paymentStreamId(reservationId))).to.deep.equal(['PaymentRequested']);

      const resumed = await resumePayment(systemContext(), reservationId);

      expect({ ...resumed, position: undefined }).to.deep.equal({
        reservationId,
        paymentId,
        amount: 150,
        status: 'COMPLETED',
        position: undefined,
      });
      expect(resumed.position).to.not.equal(undefined);
      const again = await resumePayment(systemContext(), reservationId);
      expect({ ...again, position: undefined }).to.deep.equal({
        reservationId,
        paymentId,
        amount: 150,
        status: 'COMPLETED',
        position: undefined,
      });
      expect(await charge(alice.token, 1)).to.equal(1000 - 150 + 1);
      expect(await typesOf(reservationStreamId(reservationId))).to.deep.equal([
        'ReservationHeld',
        'ReservationConfirmed',
      ]);
    });

    it('When the resumed payment cannot be covered, Then FAILED with reason insufficient-funds and the owner may try again', async () => {
      const { scheduleId } = await givenSchedule();
      const alice = fan('alice');
      const { reservationId } = await held(alice.token, scheduleId, ['A-2']);
      const paymentId = randomUUID();
      await openPayment(
        { store, now, correlationId: 'crashed-payment', userId: alice.userId },
        { reservationId, userId: alice.userId, paymentId },
      );

      const resumed = await resumePayment(systemContext(), reservationId);

      expect({ ...resumed, position: undefined }).to.deep.equal({
        reservationId,
        paymentId,
        amount: 120,
        status: 'FAILED',
        reason: 'insufficient-funds',
        position: undefined,
      });
      await charge(alice.token, 120);
      const paid = await pay(alice.token, reservationId);
      expect(paid.status, JSON.stringify(paid.body)).to.equal(201);
      expect(await charge(alice.token, 1)).to.equal(1);
    });
  });
});
