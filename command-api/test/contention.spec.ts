import { expect } from 'chai';
import { seatDecider, seatStreamId } from '@concert/domain';
import { PostgresEventStore } from '@concert/infra';
import { loadStream } from '@concert/write-model';
import { call, CommandApiCluster, givenScheduleViaApi, type CommandApiInstance } from './command-api-harness.js';

describe('command API: two instances under contention', () => {
  const cluster = new CommandApiCluster();
  let instances: CommandApiInstance[];
  let store: PostgresEventStore;
  before(async () => {
    instances = await cluster.start(2);
    store = new PostgresEventStore({ connectionString: cluster.config.DATABASE_URL });
  });
  after(async () => {
    await cluster.stop();
    await store.close();
  });

  it('When 200 clients across two instances race for 50 seats, Then every seat is held exactly once and the losers get 409, nothing else', async function () {
    this.timeout(60_000);
    const admin = cluster.token('admin-1', ['admin']);
    const { scheduleId, seatIds } = await givenScheduleViaApi(instances[0]!.url, admin, 50);

    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const instance = instances[i % 2]!;
        // Everyone wants one seat; four clients per seat.
        const seatId = seatIds[i % 50]!;
        const response = await call<{ reservationId?: string; seatIds?: string[]; code?: string }>(
          instance.url,
          'POST',
          '/reservations',
          {
            token: cluster.token(`fan-${i}`),
            body: { scheduleId, seatIds: [seatId] },
          },
        );
        return { seatId, ...response };
      }),
    );

    const statuses = new Set(results.map((r) => r.status));
    expect([...statuses].sort()).to.deep.equal([201, 409]);
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(loser.body).to.deep.include({ code: 'seat-unavailable', seatIds: [loser.seatId] });
      expect(loser.headers.get('content-type')).to.match(/^application\/problem\+json/);
    }
    const winners = results.filter((r) => r.status === 201);
    expect(winners).to.have.length(50);
    expect(new Set(winners.map((w) => w.seatId)).size).to.equal(50);
    for (const winner of winners) {
      const { state } = await loadStream({ store }, seatStreamId(scheduleId, winner.seatId), seatDecider);
      expect(state).to.deep.include({ status: 'Held', reservationId: winner.body.reservationId });
      expect(winner.headers.get('x-consistency-token')).to.match(/^\d+\.\d+$/);
    }
  });
});
