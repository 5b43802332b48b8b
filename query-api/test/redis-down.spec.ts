import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { expect } from 'chai';
import { QueryApiHarness } from './query-api-harness.js';
import { givenConcert, givenSchedule, givenSeats } from './read-model-rows.js';

/** A port nothing listens on: bound by us a moment ago, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('query API: Redis down', () => {
  let api: QueryApiHarness;
  const user = randomUUID();
  before(async () => {
    api = new QueryApiHarness({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }, { redisReachable: false });
    await api.start();
  });
  after(() => api.stop());

  it('When Redis cannot be reached, Then the cached reads are answered from the database and the fallbacks are counted', async () => {
    const concertId = await givenConcert(api.writer, { title: 'No cache tonight' });
    const scheduleId = await givenSchedule(api.writer, concertId, { startsAt: '2030-10-01T19:00:00Z' });
    await givenSeats(api.writer, scheduleId, [{ seatId: 'A-1' }]);

    const started = Date.now();
    const concerts = await api.get<unknown[]>('/concerts', { user });
    const schedules = await api.get<{ scheduleId: string }[]>(`/concerts/${concertId}/schedules`, { user });
    const seats = await api.get<{ seatId: string }[]>(`/schedules/${scheduleId}/seats`, { user });

    expect([concerts.status, schedules.status, seats.status]).to.deep.equal([200, 200, 200]);
    expect(schedules.body.map((s) => s.scheduleId)).to.deep.equal([scheduleId]);
    expect(seats.body.map((s) => s.seatId)).to.deep.equal(['A-1']);
    expect(Date.now() - started, 'no waiting on the dead cache').to.be.lessThan(2000);
    expect(await api.metric('query_cache_failures_total', { operation: 'read' })).to.be.at.least(3);
    expect(await api.metric('query_cache_misses_total', { reason: 'unavailable' })).to.be.at.least(3);
    expect(await api.metric('query_cache_available')).to.equal(0);
  });

  it('When Redis is down, Then /ready still says ready: the cache is an optimisation', async () => {
    const response = await api.get('/ready');
    expect(response.status).to.equal(200);
  });
});
