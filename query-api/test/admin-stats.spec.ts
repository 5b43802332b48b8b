import { randomUUID } from 'node:crypto';
import { signDevToken } from '@concert/infra';
import { expect } from 'chai';
import { QueryApiHarness, expectProblem, type ApiResponse } from './query-api-harness.js';
import { givenConfirmedReservation, givenStatsConcert, givenStatsMinute, givenStatsSchedule } from './stats-rows.js';

const ZERO = {
  holds: 0,
  seatsHeld: 0,
  expiries: 0,
  cancellations: 0,
  confirmations: 0,
  seatsSold: 0,
  revenue: 0,
  holdsConfirmed: 0,
  conversion: null,
  medianHoldToConfirmMs: null,
};

const DAY = '?from=2026-03-01T10:00:00.000Z&to=2026-03-02T10:00:00.000Z';

describe('query API: statistics for administrators (GET /admin/stats/...)', () => {
  const api = new QueryApiHarness();
  before(() => api.start());
  after(() => api.stop());

  const asAdmin = <T = Record<string, unknown>>(path: string): Promise<ApiResponse<T>> =>
    api.get<T>(path, {
      headers: {
        authorization: `Bearer ${signDevToken(api.config, { userId: 'admin-1', roles: ['admin'], expiresInSeconds: 600 })}`,
      },
    });

  /** One schedule: two busy minutes inside the range and one after it. */
  async function givenBusySchedule(concertId: string): Promise<string> {
    const scheduleId = await givenStatsSchedule(api.writer, concertId);
    await givenStatsMinute(api.writer, scheduleId, '2026-03-01T10:00:00.000Z', {
      holds: 4,
      seats_held: 7,
      holds_confirmed: 3,
      expiries: 1,
    });
    await givenStatsMinute(api.writer, scheduleId, '2026-03-01T10:01:00.000Z', {
      holds: 1,
      seats_held: 1,
      confirmations: 3,
      seats_sold: 5,
      revenue: 450_000,
      cancellations: 1,
    });
    await givenStatsMinute(api.writer, scheduleId, '2026-03-02T10:00:00.000Z', { holds: 9, seats_held: 9 });
    for (const ms of [1000, 2000, 9000])
      await givenConfirmedReservation(api.writer, scheduleId, '2026-03-01T10:01:30.000Z', ms);
    await givenConfirmedReservation(api.writer, scheduleId, '2026-03-02T10:00:10.000Z', 60_000);
    return scheduleId;
  }

  it('When an admin asks for a schedule, Then each busy minute of the range comes with its counters, conversion and median, and the totals', async () => {
    const concertId = await givenStatsConcert(api.writer);
    const scheduleId = await givenBusySchedule(concertId);

    const response = await asAdmin(`/admin/stats/schedules/${scheduleId}${DAY}`);

    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body).to.deep.equal({
      scheduleId,
      concertId,
      from: '2026-03-01T10:00:00.000Z',
      to: '2026-03-02T10:00:00.000Z',
      totals: {
        holds: 5,
        seatsHeld: 8,
        expiries: 1,
        cancellations: 1,
        confirmations: 3,
        seatsSold: 5,
        revenue: 450_000,
        holdsConfirmed: 3,
        conversion: 3 / 5,
        medianHoldToConfirmMs: 2000,
      },
      minutes: [
        {
          ...ZERO,
          minute: '2026-03-01T10:00:00.000Z',
          holds: 4,
          seatsHeld: 7,
          holdsConfirmed: 3,
          expiries: 1,
          conversion: 3 / 4,
        },
        {
          ...ZERO,
          minute: '2026-03-01T10:01:00.000Z',
          holds: 1,
          seatsHeld: 1,
          confirmations: 3,
          seatsSold: 5,
          revenue: 450_000,
          cancellations: 1,
          conversion: 0,
          medianHoldToConfirmMs: 2000,
        },
      ],
    });
  });

  it('When an admin asks for a concert, Then minutes are summed over its schedules, each schedule has its totals, and medians are over every payment', async () => {
    const concertId = await givenStatsConcert(api.writer);
    const busy = await givenBusySchedule(concertId);
    const quiet = await givenStatsSchedule(api.writer, concertId);
    const other = await givenStatsSchedule(api.writer, concertId);
    await givenStatsMinute(api.writer, other, '2026-03-01T10:01:00.000Z', {
      holds: 2,
      seats_held: 2,
      confirmations: 2,
      seats_sold: 2,
      revenue: 200,
    });
    for (const ms of [4000, 6000]) await givenConfirmedReservation(api.writer, other, '2026-03-01T10:01:59.999Z', ms);

    const response = await asAdmin<{
      minutes: Record<string, unknown>[];
      schedules: { scheduleId: string; totals: Record<string, unknown> }[];
      totals: Record<string, unknown>;
    }>(`/admin/stats/concerts/${concertId}${DAY}`);

    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(
      response.body.minutes.map((m) => [m.minute, m.holds, m.confirmations, m.revenue, m.medianHoldToConfirmMs]),
    ).to.deep.equal([
      ['2026-03-01T10:00:00.000Z', 4, 0, 0, null],
      // Median of 1000, 2000, 9000, 4000, 6000: over the payments, not of the schedules' medians.
      ['2026-03-01T10:01:00.000Z', 3, 5, 450_200, 4000],
    ]);
    expect(response.body.totals).to.include({
      holds: 7,
      confirmations: 5,
      seatsSold: 7,
      revenue: 450_200,
      holdsConfirmed: 3,
      conversion: 3 / 7,
    });
    expect(response.body.totals.medianHoldToConfirmMs).to.equal(4000);
    const bySchedule = new Map(response.body.schedules.map((s) => [s.scheduleId, s.totals]));
    expect([...bySchedule.keys()]).to.have.members([busy, quiet, other]);
    expect(bySchedule.get(quiet)).to.deep.equal(ZERO);
    expect(bySchedule.get(busy)).to.include({ holds: 5, revenue: 450_000, medianHoldToConfirmMs: 2000 });
    expect(bySchedule.get(other)).to.include({ holds: 2, revenue: 200, medianHoldToConfirmMs: 5000, conversion: 0 });
  });

  it('When the range is given as bare dates, Then they are midnight UTC, as the events CLI reads them', async () => {
    const scheduleId = await givenStatsSchedule(api.writer, await givenStatsConcert(api.writer));
    const response = await asAdmin<{ from: string; to: string }>(
      `/admin/stats/schedules/${scheduleId}?from=2026-03-01&to=2026-03-02`,
    );
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body.from).to.equal('2026-03-01T00:00:00.000Z');
    expect(response.body.to).to.equal('2026-03-02T00:00:00.000Z');
  });

  it('When `from` falls inside a minute, Then that minute is included; a minute at `to` is not', async () => {
    const scheduleId = await givenBusySchedule(await givenStatsConcert(api.writer));
    const response = await asAdmin<{ from: string; minutes: { minute: string }[] }>(
      `/admin/stats/schedules/${scheduleId}?from=2026-03-01T10:01:30.000Z&to=2026-03-02T10:00:00.000Z`,
    );
    expect(response.body.from).to.equal('2026-03-01T10:01:00.000Z');
    expect(response.body.minutes.map((m) => m.minute)).to.deep.equal(['2026-03-01T10:01:00.000Z']);
  });

  it('When no range is given, Then the last 24 hours up to now are served', async () => {
    const scheduleId = await givenStatsSchedule(api.writer, await givenStatsConcert(api.writer));
    const recent = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000);
    await givenStatsMinute(api.writer, scheduleId, recent.toISOString(), { holds: 2, seats_held: 2 });
    await givenStatsMinute(api.writer, scheduleId, new Date(recent.getTime() - 48 * 3_600_000).toISOString(), {
      holds: 5,
      seats_held: 5,
    });

    const response = await asAdmin<{ from: string; to: string; totals: { holds: number } }>(
      `/admin/stats/schedules/${scheduleId}`,
    );

    expect(response.status).to.equal(200);
    expect(Date.parse(response.body.to) - Date.parse(response.body.from)).to.be.within(
      24 * 3_600_000,
      24 * 3_600_000 + 60_000,
    );
    expect(response.body.totals.holds).to.equal(2);
  });

  it('When a schedule or concert has no activity in the range, Then it answers zeros and no minutes, not a 404', async () => {
    const concertId = await givenStatsConcert(api.writer);
    const response = await asAdmin(`/admin/stats/concerts/${concertId}${DAY}`);
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.include({ totals: ZERO, minutes: [], schedules: [] });
  });

  it('When a user without the admin role asks, Then the answer is 403 forbidden', async () => {
    const scheduleId = await givenStatsSchedule(api.writer, await givenStatsConcert(api.writer));
    expectProblem(
      await api.get(`/admin/stats/schedules/${scheduleId}${DAY}`, { user: randomUUID() }),
      403,
      'forbidden',
    );
    expectProblem(
      await api.get(`/admin/stats/concerts/${randomUUID()}${DAY}`, { user: randomUUID() }),
      403,
      'forbidden',
    );
    expectProblem(await api.get(`/admin/stats/concerts/${randomUUID()}${DAY}`), 401, 'unauthenticated');
  });

  it('When the concert or schedule is unknown, Then the answer is 404 with its code', async () => {
    expectProblem(await asAdmin(`/admin/stats/concerts/${randomUUID()}${DAY}`), 404, 'concert-not-found');
    expectProblem(await asAdmin(`/admin/stats/schedules/${randomUUID()}${DAY}`), 404, 'schedule-not-found');
  });

  for (const [situation, query, field] of [
    ['`from` is not a time', '?from=yesterday', 'from'],
    ['`from` is after `to`', '?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
    ['`from` equals `to`', '?from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
    ['the range is longer than 7 days', '?from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:01Z', 'to'],
    ['an unknown parameter is sent', `${DAY}&minute=1`, 'minute'],
    [
      "`from` is before PostgreSQL's first timestamp",
      '?from=-200000-01-01T00:00:00Z&to=-199999-12-31T00:00:00Z',
      'from',
    ],
    ['`to` is past year 9999', '?from=+275760-09-06T00:00:00Z&to=+275760-09-12T00:00:00Z', 'to'],
  ] as const) {
    it(`When ${situation}, Then the answer is 400 validation naming ${field}`, async () => {
      const scheduleId = await givenStatsSchedule(api.writer, await givenStatsConcert(api.writer));
      const response = await asAdmin<{ errors: { path: string }[] }>(`/admin/stats/schedules/${scheduleId}${query}`);
      expectProblem(response, 400, 'validation');
      expect(response.body.errors.map((e) => e.path)).to.include(field);
    });
  }

  it('When the range is exactly 7 days, Then it is served', async () => {
    const scheduleId = await givenStatsSchedule(api.writer, await givenStatsConcert(api.writer));
    expect(
      (await asAdmin(`/admin/stats/schedules/${scheduleId}?from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:00Z`)).status,
    ).to.equal(200);
  });
});
