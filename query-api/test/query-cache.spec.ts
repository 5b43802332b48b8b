import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { cacheKeys } from '@concert/infra';
import { encodeEntry, newEntry } from '../src/reading/cached-entry.js';
import { QueryApiHarness } from './query-api-harness.js';
import { givenConcert, givenSchedule, givenSeats } from './read-model-rows.js';

describe('query API: the Redis cache in front of the catalog', () => {
  const api = new QueryApiHarness();
  const user = randomUUID();
  before(() => api.start());
  after(() => api.stop());

  it('When a seat map is read twice, Then the second answer comes from Redis, even if the row changed without invalidation', async () => {
    const scheduleId = await givenSchedule(api.writer, await givenConcert(api.writer), {
      startsAt: '2030-08-01T19:00:00Z',
    });
    await givenSeats(api.writer, scheduleId, [{ seatId: 'A-1' }]);
    const hitsBefore = await api.metric('query_cache_hits_total', { cache: 'seats' });

    await api.get(`/schedules/${scheduleId}/seats`, { user });
    await api.writer('rm_seats').where({ schedule_id: scheduleId }).update({ status: 'SOLD' });
    const second = await api.get<{ status: string }[]>(`/schedules/${scheduleId}/seats`, { user });

    expect(second.body[0]?.status).to.equal('AVAILABLE');
    expect(await api.metric('query_cache_hits_total', { cache: 'seats' })).to.equal(hitsBefore + 1);
  });

  it('When a projector deletes the key, Then the next read shows the new row', async () => {
    const scheduleId = await givenSchedule(api.writer, await givenConcert(api.writer), {
      startsAt: '2030-08-02T19:00:00Z',
    });
    await givenSeats(api.writer, scheduleId, [{ seatId: 'A-1' }]);
    await api.get(`/schedules/${scheduleId}/seats`, { user });
    await api.writer('rm_seats').where({ schedule_id: scheduleId }).update({ status: 'HELD' });

    await api.redis.del(cacheKeys.scheduleSeats(scheduleId));
    const after = await api.get<{ status: string }[]>(`/schedules/${scheduleId}/seats`, { user });

    expect(after.body[0]?.status).to.equal('HELD');
  });

  it('When another instance replaced the entry, Then the next read serves the new entry, not the copy this process kept', async () => {
    const scheduleId = await givenSchedule(api.writer, await givenConcert(api.writer), {
      startsAt: '2030-08-04T19:00:00Z',
    });
    await givenSeats(api.writer, scheduleId, [{ seatId: 'A-1' }]);
    const key = cacheKeys.scheduleSeats(scheduleId);
    await api.get(`/schedules/${scheduleId}/seats`, { user });
    const kept = await api.get<{ status: string }[]>(`/schedules/${scheduleId}/seats`, { user });
    expect(kept.body[0]?.status).to.equal('AVAILABLE');

    const replaced = [{ seatId: 'A-1', grade: 'R', price: 1, status: 'SOLD' }];
    await api.redis.set(key, encodeEntry(newEntry({ commit: 9n, prepare: 9n }, JSON.stringify(replaced))));
    const after = await api.get<unknown[]>(`/schedules/${scheduleId}/seats`, { user });

    expect(after.body).to.deep.equal(replaced);
  });

  it('When the seat map is served from the cache, Then it is the JSON a fresh read gives, with the same ETag', async () => {
    const scheduleId = await givenSchedule(api.writer, await givenConcert(api.writer), {
      startsAt: '2030-08-05T19:00:00Z',
    });
    await givenSeats(api.writer, scheduleId, [{ seatId: 'A-10' }, { seatId: 'A-2' }]);
    const fresh = await api.get<unknown[]>(`/schedules/${scheduleId}/seats`, { user });
    const cached = await api.get<unknown[]>(`/schedules/${scheduleId}/seats`, { user });

    expect(cached.body).to.deep.equal(fresh.body);
    expect(cached.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    const etag = cached.headers.get('etag');
    expect(etag).to.be.a('string').and.equal(fresh.headers.get('etag'));
  });

  it('When the dates of a concert are cached, Then both the available and the ?all=true view come from the one key', async () => {
    const concertId = await givenConcert(api.writer);
    const scheduleId = await givenSchedule(api.writer, concertId, {
      startsAt: '2030-09-01T19:00:00Z',
      totalSeats: 5,
      availableSeats: 5,
    });
    await api.get(`/concerts/${concertId}/schedules`, { user });
    await api.writer('rm_schedules').where({ schedule_id: scheduleId }).update({ available_seats: 0 });

    const cached = await api.get<unknown[]>(`/concerts/${concertId}/schedules?all=true`, { user });
    expect(cached.body).to.have.length(1);
    expect(await api.redis.exists(cacheKeys.concertSchedules(concertId))).to.equal(1);

    await api.redis.del(cacheKeys.concertSchedules(concertId));
    expect((await api.get<unknown[]>(`/concerts/${concertId}/schedules`, { user })).body).to.deep.equal([]);
    expect((await api.get<unknown[]>(`/concerts/${concertId}/schedules?all=true`, { user })).body).to.have.length(1);
  });

  it('When the first page of concerts is read with any limit, Then one cached block serves them all until invalidated', async () => {
    const concertId = await givenConcert(api.writer, { title: 'Before', createdAt: new Date('1999-01-01T00:00:00Z') });
    const first = await api.get<{ concertId: string; title: string }[]>('/concerts?limit=5', { user });
    expect(first.body.find((c) => c.concertId === concertId)?.title).to.equal('Before');
    await api.writer('rm_concerts').where({ concert_id: concertId }).update({ title: 'After' });
    const hitsBefore = await api.metric('query_cache_hits_total', { cache: 'concerts' });

    const other = await api.get<{ concertId: string; title: string }[]>('/concerts?limit=50', { user });
    expect(other.body.find((c) => c.concertId === concertId)?.title).to.equal('Before');
    expect(await api.metric('query_cache_hits_total', { cache: 'concerts' })).to.equal(hitsBefore + 1);

    await api.redis.del(cacheKeys.concertList());
    const fresh = await api.get<{ concertId: string; title: string }[]>('/concerts?limit=5', { user });
    expect(fresh.body.find((c) => c.concertId === concertId)?.title).to.equal('After');
  });

  it('When the cached entry is written, Then it expires after QUERY_CACHE_TTL_S as a safety net', async () => {
    const scheduleId = await givenSchedule(api.writer, await givenConcert(api.writer), {
      startsAt: '2030-08-03T19:00:00Z',
    });
    await api.get(`/schedules/${scheduleId}/seats`, { user });
    const ttl = await api.redis.ttl(cacheKeys.scheduleSeats(scheduleId));
    expect(ttl).to.be.greaterThan(0).and.at.most(api.config.QUERY_CACHE_TTL_S);
  });

  it('When a concert does not exist, Then the 404 is not cached', async () => {
    const concertId = randomUUID();
    expect((await api.get(`/concerts/${concertId}/schedules`, { user })).status).to.equal(404);
    expect(await api.redis.exists(cacheKeys.concertSchedules(concertId))).to.equal(0);
  });
});
