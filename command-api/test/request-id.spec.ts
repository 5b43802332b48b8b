import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { paymentStreamId, reservationStreamId, seatStreamId, walletStreamId } from '@concert/domain';
import { PostgresEventStore } from '@concert/infra';
import {
  call,
  callCountingEvents,
  CommandApiCluster,
  expectProblem,
  givenScheduleViaApi,
} from './command-api-harness.js';

/** X-Request-Id (docs/api.md, 'Headers'): echoed, generated when absent, and the correlation id of every event a command appends. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface StoredEvent {
  streamId: string;
  type: string;
  metadata: Record<string, unknown>;
}

describe('command API: X-Request-Id becomes the correlation id of the events', () => {
  let cluster: CommandApiCluster;
  let url: string;
  let store: PostgresEventStore;
  let admin: string;

  before(async () => {
    // Built here, not in the describe body: the per-run DATABASE_URL is set by the global setup, which runs after files load.
    cluster = new CommandApiCluster();
    const [instance] = await cluster.start(1);
    url = instance!.url;
    store = new PostgresEventStore({ connectionString: cluster.config.DATABASE_URL });
    admin = cluster.token(`admin-${randomUUID()}`, ['admin']);
  });

  after(async () => {
    await cluster?.stop();
    await store?.close();
  });

  const requestId = (): string => `client-${randomBytes(8).toString('hex')}`;

  async function eventsCorrelatedTo(correlationId: string): Promise<StoredEvent[]> {
    const { rows } = await store.pool.query<{
      stream_id: string;
      event_type: string;
      metadata: Record<string, unknown>;
    }>(
      `SELECT stream_id, event_type, metadata FROM es_events WHERE metadata->>'correlationId' = $1 ORDER BY global_position`,
      [correlationId],
    );
    return rows.map((r) => ({ streamId: r.stream_id, type: r.event_type, metadata: r.metadata }));
  }

  it('When a client sends X-Request-Id with a hold, Then it is echoed and is the correlationId (and causationId) of every event the hold appended', async () => {
    const { scheduleId } = await givenScheduleViaApi(url, admin, 3);
    const userId = `fan-${randomUUID()}`;
    const id = requestId();

    const response = await callCountingEvents<{ reservationId: string }>(store, url, 'POST', '/reservations', {
      token: cluster.token(userId),
      body: { scheduleId, seatIds: ['A-2', 'A-1'] },
      headers: { 'x-request-id': id },
    });

    expect(response.status).to.equal(201);
    expect(response.headers.get('x-request-id')).to.equal(id);
    const events = await eventsCorrelatedTo(id);
    expect(events.map((e) => [e.streamId, e.type])).to.have.deep.members([
      [seatStreamId(scheduleId, 'A-1'), 'SeatHeld'],
      [seatStreamId(scheduleId, 'A-2'), 'SeatHeld'],
      [reservationStreamId(response.body.reservationId), 'ReservationHeld'],
    ]);
    expect(events).to.have.length(response.appended);
    for (const event of events)
      expect(event.metadata).to.include({ correlationId: id, causationId: id, userId, schemaVersion: 1 });
  });

  it('When a client sends X-Request-Id with a payment, Then every event of the payment process, across its streams, carries it', async () => {
    const { scheduleId } = await givenScheduleViaApi(url, admin, 1);
    const userId = `fan-${randomUUID()}`;
    const token = cluster.token(userId);
    expect((await call(url, 'POST', '/wallet/charges', { token, body: { amount: 500 } })).status).to.equal(201);
    const hold = await call<{ reservationId: string }>(url, 'POST', '/reservations', {
      token,
      body: { scheduleId, seatIds: ['A-1'] },
    });
    const { reservationId } = hold.body;
    const id = requestId();

    const paid = await callCountingEvents(store, url, 'POST', '/payments', {
      token,
      body: { reservationId },
      headers: { 'x-request-id': id },
    });

    expect(paid.status).to.equal(201);
    expect(paid.headers.get('x-request-id')).to.equal(id);
    const events = await eventsCorrelatedTo(id);
    expect(events.map((e) => [e.streamId, e.type])).to.deep.equal([
      [paymentStreamId(reservationId), 'PaymentRequested'],
      [walletStreamId(userId), 'WalletDebited'],
      [reservationStreamId(reservationId), 'ReservationConfirmed'],
      [seatStreamId(scheduleId, 'A-1'), 'SeatSold'],
      [paymentStreamId(reservationId), 'PaymentCompleted'],
    ]);
    expect(events).to.have.length(paid.appended);
    for (const event of events) expect(event.metadata).to.include({ correlationId: id, userId });
  });

  it('When no X-Request-Id is sent, Then a UUID is generated, echoed and used as the correlationId', async () => {
    const response = await callCountingEvents<{ concertId: string }>(store, url, 'POST', '/admin/concerts', {
      token: admin,
      body: { title: 'T', venue: 'V' },
    });

    expect(response.status).to.equal(201);
    const generated = response.headers.get('x-request-id') ?? '';
    expect(generated).to.match(UUID);
    const events = await eventsCorrelatedTo(generated);
    expect(events.map((e) => e.type)).to.deep.equal(['ConcertCreated']);
    expect(response.appended).to.equal(1);
  });

  for (const [what, unsafe] of [
    ['longer than 128 characters', 'r'.repeat(129)],
    ['made of spaces and quotes', 'id with "quotes"'],
    ['a JSON fragment', '{"correlationId":"x"}'],
  ] as const) {
    it(`When the X-Request-Id is ${what}, Then it is replaced by a generated UUID, which the events carry instead`, async () => {
      const response = await callCountingEvents(store, url, 'POST', '/admin/concerts', {
        token: admin,
        body: { title: 'T', venue: 'V' },
        headers: { 'x-request-id': unsafe },
      });

      expect(response.status).to.equal(201);
      const echoed = response.headers.get('x-request-id') ?? '';
      expect(echoed).to.match(UUID);
      expect(await eventsCorrelatedTo(unsafe)).to.deep.equal([]);
      expect((await eventsCorrelatedTo(echoed)).map((e) => e.type)).to.deep.equal(['ConcertCreated']);
    });
  }

  it('When a request with X-Request-Id is refused, Then the id is still echoed and no event carries it', async () => {
    const id = requestId();

    const response = await callCountingEvents(store, url, 'POST', '/wallet/charges', {
      token: cluster.token(`fan-${randomUUID()}`),
      body: { amount: -1 },
      headers: { 'x-request-id': id },
    });

    expectProblem(response, 400, 'validation');
    expect(response.headers.get('x-request-id')).to.equal(id);
    expect(response.appended).to.equal(0);
    expect(await eventsCorrelatedTo(id)).to.deep.equal([]);
  });
});
