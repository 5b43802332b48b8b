import { reservationStreamId, seatStreamId } from '@concert/domain';
import { expect } from 'chai';
import { sagaFixture, type SagaFixture } from './support/saga-fixture.js';
import { waitFor } from '@concert/infra/testing';

describe('expiry saga without NATS: deadlines from the event store feed (real PostgreSQL, NATS, Redis)', function () {
  this.timeout(30_000);
  let f: SagaFixture;

  before(async () => {
    f = await sagaFixture('sweep');
  });
  after(async () => {
    await f?.close();
  });

  it('Given running workers, When the JetStream stream is deleted and a hold is then placed, Then the hold still expires and its seat is released, from the event store alone', async () => {
    await f.startWorkers({ expiry: { batchSize: 64, concurrency: 8, sweepIntervalMs: 300 } });
    const { scheduleId } = await f.newSchedule(2);
    const jsm = await f.nc.jetstreamManager();
    expect(await jsm.streams.delete(f.config.NATS_STREAM)).to.equal(true);

    const hold = await f.hold('fan-1', scheduleId, ['A-1'], 1500);

    const types = async (streamId: string): Promise<string[]> => (await f.events(streamId)).map((e) => e.type);
    await waitFor(
      'ReservationExpired in the event store',
      async () => (await types(reservationStreamId(hold.reservationId))).includes('ReservationExpired'),
      hold.expiresAt.getTime() - Date.now() + 5000,
    );
    await waitFor(
      'the seat released',
      async () => (await types(seatStreamId(scheduleId, 'A-1'))).includes('SeatReleased'),
      2000,
    );
    expect(await types(reservationStreamId(hold.reservationId))).to.deep.equal([
      'ReservationHeld',
      'ReservationExpired',
    ]);
  });
});
