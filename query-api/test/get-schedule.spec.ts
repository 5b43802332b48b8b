import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { QueryApiHarness, expectProblem } from './query-api-harness.js';
import { givenConcert, givenSchedule } from './read-model-rows.js';

describe('query API: one schedule by id (GET /schedules/{scheduleId})', () => {
  const api = new QueryApiHarness();
  const user = randomUUID();
  before(() => api.start());
  after(() => api.stop());

  it('When a user reads a schedule, Then it is {scheduleId, concertId, startsAt, totalSeats, availableSeats}', async () => {
    const concertId = await givenConcert(api.writer);
    const scheduleId = await givenSchedule(api.writer, concertId, {
      startsAt: '2030-07-01T19:00:00Z',
      totalSeats: 30,
      availableSeats: 0,
    });

    const response = await api.get(`/schedules/${scheduleId}`, { user });

    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({
      scheduleId,
      concertId,
      startsAt: '2030-07-01T19:00:00.000Z',
      totalSeats: 30,
      availableSeats: 0,
    });
  });

  it('When the schedule does not exist, Then it is 404 schedule-not-found', async () => {
    expectProblem(await api.get(`/schedules/${randomUUID()}`, { user }), 404, 'schedule-not-found');
  });

  it('When the id is malformed or a query parameter is unknown, Then it is 400 validation', async () => {
    expectProblem(await api.get('/schedules/not%20an%20id', { user }), 400, 'validation');
    const concertId = await givenConcert(api.writer);
    const scheduleId = await givenSchedule(api.writer, concertId, { startsAt: '2030-07-02T19:00:00Z' });
    expectProblem(await api.get(`/schedules/${scheduleId}?all=true`, { user }), 400, 'validation');
  });

  it('When the caller is not authenticated, Then it is 401', async () => {
    expectProblem(await api.get(`/schedules/${randomUUID()}`), 401, 'unauthenticated');
  });
});
