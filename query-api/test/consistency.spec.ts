import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { QueryApiHarness, expectProblem } from './query-api-harness.js';
import {
  givenConcert,
  givenReservation,
  givenSchedule,
  positionAhead,
  setCheckpoint,
  withCheckpointsRestored,
} from './read-model-rows.js';

const WAIT_BOUND_MS = 600;

describe('query API: read-your-writes with X-Consistency-Token', () => {
  const api = new QueryApiHarness({ CONSISTENCY_WAIT_MS: String(WAIT_BOUND_MS) });
  const user = randomUUID();
  let restoreCheckpoints: () => Promise<void>;
  before(async () => {
    await api.start();
    restoreCheckpoints = await withCheckpointsRestored(api.writer, ['catalog', 'reservations']);
  });
  after(async () => {
    await restoreCheckpoints();
    await api.stop();
  });

  it('When the projection is behind the token, Then the query waits and answers once the checkpoint reaches it', async () => {
    const reservationId = await givenReservation(api.writer, { userId: user });
    const { position, token } = await positionAhead(api.writer, 'reservations', 10);
    const waitsBefore = await api.observations('query_consistency_wait_seconds', { outcome: 'caught-up' });

    const started = Date.now();
    const pending = api.get(`/reservations/${reservationId}`, { user, headers: { 'x-consistency-token': token } });
    await sleep(100);
    await setCheckpoint(api.writer, 'reservations', position);
    const response = await pending;

    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body).to.include({ reservationId });
    expect(Date.now() - started)
      .to.be.at.least(100)
      .and.lessThan(WAIT_BOUND_MS);
    expect(await api.observations('query_consistency_wait_seconds', { outcome: 'caught-up' })).to.equal(
      waitsBefore + 1,
    );
  });

  it('When the projection stays behind, Then after about CONSISTENCY_WAIT_MS the answer is 503 read-model-lagging with Retry-After', async () => {
    const reservationId = await givenReservation(api.writer, { userId: user });
    const { token } = await positionAhead(api.writer, 'reservations', 1);
    const timeoutsBefore = await api.metric('query_consistency_timeouts_total', { projection: 'reservations' });

    const started = Date.now();
    const response = await api.get(`/reservations/${reservationId}`, {
      user,
      headers: { 'x-consistency-token': token },
    });
    const elapsed = Date.now() - started;

    expectProblem(response, 503, 'read-model-lagging');
    expect(response.headers.get('retry-after')).to.match(/^[1-9]\d*$/);
    expect(elapsed)
      .to.be.at.least(WAIT_BOUND_MS - 20)
      .and.lessThan(WAIT_BOUND_MS + 500);
    expect(await api.metric('query_consistency_timeouts_total', { projection: 'reservations' })).to.equal(
      timeoutsBefore + 1,
    );
  });

  it('When the projection already reached the token, Then the answer comes at once', async () => {
    const { position, token } = await positionAhead(api.writer, 'reservations', 3);
    await setCheckpoint(api.writer, 'reservations', position);
    const started = Date.now();
    const response = await api.get('/me/reservations', { user, headers: { 'x-consistency-token': token } });
    expect(response.status).to.equal(200);
    expect(Date.now() - started).to.be.lessThan(200);
  });

  for (const malformed of [
    'abc',
    '12',
    '1.2.3',
    '-1.0',
    '1.x',
    ' ',
    '99999999999999999999.0',
    '1.18446744073709551616',
  ]) {
    it(`When the token is malformed ("${malformed}"), Then it is 400 validation naming the header`, async () => {
      const response = await api.get<{ errors: { path: string }[] }>('/me/wallet', {
        user,
        headers: { 'x-consistency-token': malformed },
      });
      expectProblem(response, 400, 'validation');
      expect(response.body.errors.map((e) => e.path)).to.include('x-consistency-token');
    });
  }

  it('When a cached entry is older than the token, Then it is skipped; one as new as the token is served', async () => {
    const concertId = await givenConcert(api.writer);
    const scheduleId = await givenSchedule(api.writer, concertId, {
      startsAt: '2030-11-01T19:00:00Z',
      totalSeats: 5,
      availableSeats: 5,
    });
    const filled = await positionAhead(api.writer, 'catalog', 1);
    await setCheckpoint(api.writer, 'catalog', filled.position);
    await api.get(`/concerts/${concertId}/schedules`, { user });

    // A hold the projector applied, but whose cache delete the test leaves out.
    await api.writer('rm_schedules').where({ schedule_id: scheduleId }).update({ available_seats: 4 });
    const applied = await positionAhead(api.writer, 'catalog', 1);
    await setCheckpoint(api.writer, 'catalog', applied.position);

    const older = await api.get<{ availableSeats: number }[]>(`/concerts/${concertId}/schedules`, {
      user,
      headers: { 'x-consistency-token': filled.token },
    });
    expect(older.body[0]?.availableSeats, 'an entry at the token is good enough').to.equal(5);

    const newer = await api.get<{ availableSeats: number }[]>(`/concerts/${concertId}/schedules`, {
      user,
      headers: { 'x-consistency-token': applied.token },
    });
    expect(newer.body[0]?.availableSeats, 'an entry behind the token is not').to.equal(4);
    expect(await api.metric('query_cache_misses_total', { cache: 'schedules', reason: 'behind-token' })).to.equal(1);
  });
});
