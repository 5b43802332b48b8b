import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { cacheKeys } from '@concert/infra';
import { QueryApiHarness } from './query-api-harness.js';
import { givenConcert, givenPayment, givenReservation, givenSchedule, givenSeats } from './read-model-rows.js';

/**
 * What a client or a cache may do with an answer of the read side: the catalog is the same
 * for everyone (`no-cache`: keep it, revalidate it each time), a user's own data only in that
 * user's cache (`private, no-cache`); both revalidate with their ETag to a 304.
 */
describe('query API: Cache-Control and revalidation', () => {
  const api = new QueryApiHarness();
  const user = randomUUID();
  let concertId = '';
  let scheduleId = '';
  let reservationId = '';
  let paymentId = '';

  before(async () => {
    await api.start();
    concertId = await givenConcert(api.writer);
    scheduleId = await givenSchedule(api.writer, concertId, { startsAt: '2030-07-01T19:00:00Z' });
    await givenSeats(api.writer, scheduleId, [{ seatId: 'A-1' }, { seatId: 'A-2', status: 'HELD' }]);
    reservationId = await givenReservation(api.writer, { userId: user, scheduleId, status: 'CONFIRMED' });
    paymentId = await givenPayment(api.writer, { userId: user, reservationId, amount: 100 });
  });
  after(() => api.stop());

  it('When a user reads the catalog, Then every answer says no-cache and carries an ETag', async () => {
    for (const path of ['/concerts?limit=5', `/concerts/${concertId}/schedules`, `/schedules/${scheduleId}/seats`]) {
      const response = await api.get(path, { user });
      expect(response.status, path).to.equal(200);
      expect(response.headers.get('cache-control'), path).to.equal('no-cache');
      expect(response.headers.get('etag'), path).to.be.a('string');
    }
  });

  it("When a user reads their own data, Then every answer is private to that user's cache", async () => {
    const paths = [
      `/reservations/${reservationId}`,
      '/me/reservations',
      `/payments/${paymentId}`,
      '/me/wallet',
      '/me/notifications',
    ];
    for (const path of paths) {
      const response = await api.get(path, { user });
      expect(response.status, path).to.equal(200);
      expect(response.headers.get('cache-control'), path).to.equal('private, no-cache');
    }
  });

  it('When a client revalidates an unchanged seat map with its ETag, Then 304 without a body; once a seat changes, 200 with a new ETag', async () => {
    const path = `/schedules/${scheduleId}/seats`;
    const first = await api.get(path, { user });
    const etag = first.headers.get('etag')!;
    // As a browser revalidates; fetch would otherwise add `Cache-Control: no-cache` (an end-to-end reload).
    const revalidate = {
      authorization: `Bearer ${api.token(user)}`,
      'if-none-match': etag,
      'cache-control': 'max-age=0',
    };
    const unchanged = await fetch(`${api.url}${path}`, {
      headers: revalidate,
    });
    expect(unchanged.status).to.equal(304);
    expect(await unchanged.text()).to.equal('');

    await api.writer('rm_seats').update({ status: 'SOLD' }).where({ schedule_id: scheduleId, seat_id: 'A-1' });
    // As the projector does when it applies the change.
    await api.redis.del(cacheKeys.scheduleSeats(scheduleId));
    const changed = await fetch(`${api.url}${path}`, {
      headers: revalidate,
    });
    expect(changed.status).to.equal(200);
    expect(changed.headers.get('etag')).to.not.equal(etag);
  });
});
