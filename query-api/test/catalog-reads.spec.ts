import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { QueryApiHarness, expectProblem } from './query-api-harness.js';
import { givenConcert, givenSchedule, givenSeats } from './read-model-rows.js';

describe('query API: the catalog (concerts, dates, seat maps)', () => {
  const api = new QueryApiHarness();
  const user = randomUUID();
  before(() => api.start());
  after(() => api.stop());

  it('When a user lists concerts, Then each is {concertId, title, venue} and nothing more', async () => {
    const concertId = await givenConcert(api.writer, {
      title: 'Spring Gala',
      venue: 'Arena',
      createdAt: new Date('2000-01-01T00:00:00Z'),
    });
    const response = await api.get<Record<string, unknown>[]>('/concerts?limit=100', { user });
    expect(response.status).to.equal(200);
    expect(response.body).to.be.an('array');
    expect(response.body.find((c) => c.concertId === concertId)).to.deep.equal({
      concertId,
      title: 'Spring Gala',
      venue: 'Arena',
    });
  });

  it('When a user lists the dates of a concert, Then only dates with seats left come, by date', async () => {
    const concertId = await givenConcert(api.writer);
    const later = await givenSchedule(api.writer, concertId, {
      startsAt: '2030-05-02T19:00:00Z',
      totalSeats: 50,
      availableSeats: 3,
    });
    await givenSchedule(api.writer, concertId, { startsAt: '2030-05-03T19:00:00Z', totalSeats: 50, availableSeats: 0 });
    const earlier = await givenSchedule(api.writer, concertId, {
      startsAt: '2030-05-01T19:00:00Z',
      totalSeats: 40,
      availableSeats: 40,
    });

    const response = await api.get<unknown[]>(`/concerts/${concertId}/schedules`, { user });

    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal([
      { scheduleId: earlier, startsAt: '2030-05-01T19:00:00.000Z', totalSeats: 40, availableSeats: 40 },
      { scheduleId: later, startsAt: '2030-05-02T19:00:00.000Z', totalSeats: 50, availableSeats: 3 },
    ]);
  });

  it('When a user asks for all dates (?all=true), Then sold-out dates come too', async () => {
    const concertId = await givenConcert(api.writer);
    const soldOut = await givenSchedule(api.writer, concertId, {
      startsAt: '2030-06-01T19:00:00Z',
      totalSeats: 2,
      availableSeats: 0,
    });
    const open = await givenSchedule(api.writer, concertId, {
      startsAt: '2030-06-02T19:00:00Z',
      totalSeats: 2,
      availableSeats: 1,
    });

    const all = await api.get<{ scheduleId: string }[]>(`/concerts/${concertId}/schedules?all=true`, { user });
    const available = await api.get<{ scheduleId: string }[]>(`/concerts/${concertId}/schedules?all=false`, { user });

    expect(all.body.map((s) => s.scheduleId)).to.deep.equal([soldOut, open]);
    expect(available.body.map((s) => s.scheduleId)).to.deep.equal([open]);
  });

  it('When a concert has no dates, Then the list is empty, not a 404', async () => {
    const concertId = await givenConcert(api.writer);
    const response = await api.get(`/concerts/${concertId}/schedules`, { user });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal([]);
  });

  it('When the concert does not exist, Then the answer is 404 concert-not-found', async () => {
    expectProblem(await api.get(`/concerts/${randomUUID()}/schedules`, { user }), 404, 'concert-not-found');
  });

  it('When a user reads a seat map, Then each seat is {seatId, grade, price, status}, in the order a venue numbers them', async () => {
    const scheduleId = await givenSchedule(api.writer, await givenConcert(api.writer), {
      startsAt: '2030-07-01T19:00:00Z',
    });
    await givenSeats(api.writer, scheduleId, [
      { seatId: 'A-10', grade: 'S', price: 90_000, status: 'SOLD' },
      { seatId: 'A-2', grade: 'R', price: 120_000, status: 'HELD' },
      { seatId: 'A-1', grade: 'R', price: 120_000 },
    ]);

    const response = await api.get(`/schedules/${scheduleId}/seats`, { user });

    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal([
      { seatId: 'A-1', grade: 'R', price: 120_000, status: 'AVAILABLE' },
      { seatId: 'A-2', grade: 'R', price: 120_000, status: 'HELD' },
      { seatId: 'A-10', grade: 'S', price: 90_000, status: 'SOLD' },
    ]);
  });

  it('When the schedule does not exist, Then the answer is 404 schedule-not-found', async () => {
    expectProblem(await api.get(`/schedules/${randomUUID()}/seats`, { user }), 404, 'schedule-not-found');
  });

  const badRequests: [string, string][] = [
    ['/concerts?limit=0', 'limit'],
    ['/concerts?limit=101', 'limit'],
    ['/concerts?limit=ten', 'limit'],
    ['/concerts?limit=1&limit=2', 'limit'],
    ['/concerts?cursor=not-a-cursor', 'cursor'],
    // Numbers past bigint, past PostgreSQL's interval, past year 9999: refused before the database.
    ['/concerts?cursor=WyI5OTk5OTk5OTk5OTk5OTk5OTk5OSIsImMtMSJd', 'cursor'],
    ['/concerts?cursor=WyI5MjIzMzcyMDM2ODU0Nzc1ODA3IiwiYy0xIl0', 'cursor'],
    ['/concerts?cursor=WyIyNTM0MDIzMDA4MDAwMDAwMDAiLCJjLTEiXQ', 'cursor'],
    ['/me/reservations?cursor=WyI5OTk5OTk5OTk5OTk5OTk5OTk5OSIsInItMSJd', 'cursor'],
    ['/me/notifications?cursor=WyI5MjIzMzcyMDM2ODU0Nzc1ODA3Iiwibi0xIl0', 'cursor'],
    ['/concerts?page=2', 'page'],
    ['/concerts/has%20space/schedules', 'concertId'],
    ['/concerts/c-1/schedules?all=yes', 'all'],
    ['/schedules/s-1/seats?grade=R', 'grade'],
    ['/me/reservations?limit=-1', 'limit'],
    ['/reservations/no!good', 'reservationId'],
    ['/payments/%E2%82%AC', 'paymentId'],
    ['/me/wallet?x=1', 'x'],
  ];
  for (const [path, field] of badRequests) {
    it(`When GET ${path}, Then it is 400 validation naming "${field}"`, async () => {
      const response = await api.get<{ errors: { path: string }[] }>(path, { user });
      expectProblem(response, 400, 'validation');
      expect(response.body.errors.map((e) => e.path)).to.include(field);
    });
  }
});
