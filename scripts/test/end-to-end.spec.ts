import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ensureDatabase, loadConfig, migrateToLatest, signDevToken, type Config } from '@concert/infra';
import { removeRunResources, type ServiceProcess, startService } from '@concert/infra/testing';

/**
 * The whole write-to-read path as separate processes: command API -> PostgreSQL event store
 * -> relay -> NATS JetStream -> projectors -> read models -> query API, with the
 * consistency token of each command honoured by the next query.
 */
describe('end to end: a command is visible to the next query that sends its consistency token', function () {
  this.timeout(60_000);
  const run = randomBytes(4).toString('hex');
  const ports = { command: 18500 + Math.floor(Math.random() * 400), query: 0, projectors: 0 };
  ports.query = ports.command + 1;
  ports.projectors = ports.command + 2;
  let config: Config;
  let services: ServiceProcess[] = [];
  let commandUrl: string;
  let queryUrl: string;

  before(async () => {
    // A database of its own: the relay starts from the beginning of the feed, and the
    // run's shared database holds every other test's events.
    const database = new URL(process.env.DATABASE_URL!);
    database.pathname = `${database.pathname}_e2e`;
    await ensureDatabase(database.toString());
    await migrateToLatest(database.toString());
    const env = {
      DATABASE_URL: database.toString(),
      NATS_STREAM: `E2E_${run}`,
      NATS_SUBJECT_PREFIX: `e2e_${run}`,
      REDIS_KEY_PREFIX: `test:e2e:${run}:`,
      COMMAND_API_PORT: String(ports.command),
      QUERY_API_PORT: String(ports.query),
      PROJECTORS_PORT: String(ports.projectors),
      HOLD_DURATION_MS: '60000',
    };
    config = loadConfig({ ...process.env, ...env });
    services = await Promise.all([
      startService('command-api/src/main.ts', ports.command, env),
      startService('projectors/src/main.ts', ports.projectors, env),
      startService('query-api/src/main.ts', ports.query, env),
    ]);
    commandUrl = `http://127.0.0.1:${ports.command}`;
    queryUrl = `http://127.0.0.1:${ports.query}`;
  });

  after(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await removeRunResources(config);
  });

  const token = (userId: string, roles: string[] = []): string =>
    signDevToken(config, { userId, roles, expiresInSeconds: 600 });

  type Json = Record<string, unknown>;
  async function send(
    method: string,
    url: string,
    options: { token: string; body?: unknown; consistency?: string | null },
  ): Promise<{ status: number; body: Json; list: Json[]; consistency: string | null }> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.consistency) headers['x-consistency-token'] = options.consistency;
    const response = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    return {
      status: response.status,
      body: Array.isArray(parsed) ? {} : (parsed as Json),
      list: Array.isArray(parsed) ? (parsed as Json[]) : [],
      consistency: response.headers.get('x-consistency-token'),
    };
  }

  it('When an admin adds a schedule and a fan holds, pays and reads back, Then every read reflects the command before it', async () => {
    const admin = token(`admin-${run}`, ['admin']);
    const fan = token(`fan-${run}`);

    const concert = await send('POST', `${commandUrl}/admin/concerts`, {
      token: admin,
      body: { title: 'E2E', venue: 'Hall' },
    });
    expect(concert.status).to.equal(201);
    const concertId = String(concert.body.concertId);
    const schedule = await send('POST', `${commandUrl}/admin/concerts/${concertId}/schedules`, {
      token: admin,
      body: {
        startsAt: '2027-06-01T19:00:00.000Z',
        seats: [
          { seatId: 'A-1', grade: 'VIP', price: 1500 },
          { seatId: 'A-2', grade: 'VIP', price: 1500 },
          { seatId: 'B-1', grade: 'R', price: 900 },
        ],
      },
    });
    expect(schedule.status).to.equal(201);
    const scheduleId = String(schedule.body.scheduleId);

    const schedules = await send('GET', `${queryUrl}/concerts/${concertId}/schedules`, {
      token: fan,
      consistency: schedule.consistency,
    });
    expect(schedules.status).to.equal(200);
    expect(schedules.list).to.deep.equal([
      { scheduleId, startsAt: '2027-06-01T19:00:00.000Z', totalSeats: 3, availableSeats: 3 },
    ]);

    const hold = await send('POST', `${commandUrl}/reservations`, {
      token: fan,
      body: { scheduleId, seatIds: ['A-2', 'A-1'] },
    });
    expect(hold.status).to.equal(201);
    const reservationId = String(hold.body.reservationId);
    const seats = await send('GET', `${queryUrl}/schedules/${scheduleId}/seats`, {
      token: fan,
      consistency: hold.consistency,
    });
    expect(seats.list.map((s) => [s.seatId, s.status])).to.deep.equal([
      ['A-1', 'HELD'],
      ['A-2', 'HELD'],
      ['B-1', 'AVAILABLE'],
    ]);
    const held = await send('GET', `${queryUrl}/reservations/${reservationId}`, {
      token: fan,
      consistency: hold.consistency,
    });
    expect(held.body).to.include({ reservationId, status: 'HELD', amount: 3000 });

    const charge = await send('POST', `${commandUrl}/wallet/charges`, { token: fan, body: { amount: 5000 } });
    expect(charge.body).to.deep.equal({ balance: 5000 });
    const paid = await send('POST', `${commandUrl}/payments`, { token: fan, body: { reservationId } });
    expect(paid.status).to.equal(201);

    const reservation = await send('GET', `${queryUrl}/reservations/${reservationId}`, {
      token: fan,
      consistency: paid.consistency,
    });
    expect(reservation.body).to.include({ status: 'CONFIRMED', paymentId: paid.body.paymentId });
    const wallet = await send('GET', `${queryUrl}/me/wallet`, { token: fan, consistency: paid.consistency });
    expect(wallet.body).to.deep.equal({ balance: 2000 });
    const sold = await send('GET', `${queryUrl}/schedules/${scheduleId}/seats`, {
      token: fan,
      consistency: paid.consistency,
    });
    expect(sold.list.filter((s) => s.status === 'SOLD').map((s) => s.seatId)).to.deep.equal(['A-1', 'A-2']);
    const remaining = await send('GET', `${queryUrl}/concerts/${concertId}/schedules`, {
      token: fan,
      consistency: paid.consistency,
    });
    expect(remaining.list).to.deep.equal([
      { scheduleId, startsAt: '2027-06-01T19:00:00.000Z', totalSeats: 3, availableSeats: 1 },
    ]);
  });

  it('When fans hold, cancel and pay, Then an admin reads the counts, conversion and median in the statistics, and a fan is refused', async () => {
    const admin = token(`admin-${run}`, ['admin']);
    const fan = token(`stats-fan-${run}`);
    const concert = await send('POST', `${commandUrl}/admin/concerts`, {
      token: admin,
      body: { title: 'Stats', venue: 'Hall' },
    });
    const concertId = String(concert.body.concertId);
    const schedule = await send('POST', `${commandUrl}/admin/concerts/${concertId}/schedules`, {
      token: admin,
      body: {
        startsAt: '2027-07-01T19:00:00.000Z',
        seats: [
          { seatId: 'A-1', grade: 'R', price: 700 },
          { seatId: 'A-2', grade: 'R', price: 800 },
        ],
      },
    });
    const scheduleId = String(schedule.body.scheduleId);
    const dropped = await send('POST', `${commandUrl}/reservations`, {
      token: fan,
      body: { scheduleId, seatIds: ['A-1'] },
    });
    expect(
      (await send('POST', `${commandUrl}/reservations/${String(dropped.body.reservationId)}/cancel`, { token: fan }))
        .status,
    ).to.equal(200);
    const kept = await send('POST', `${commandUrl}/reservations`, {
      token: fan,
      body: { scheduleId, seatIds: ['A-2'] },
    });
    await send('POST', `${commandUrl}/wallet/charges`, { token: fan, body: { amount: 800 } });
    const paid = await send('POST', `${commandUrl}/payments`, {
      token: fan,
      body: { reservationId: kept.body.reservationId },
    });
    expect(paid.status).to.equal(201);

    const stats = await send('GET', `${queryUrl}/admin/stats/concerts/${concertId}`, {
      token: admin,
      consistency: paid.consistency,
    });

    expect(stats.status, JSON.stringify(stats.body)).to.equal(200);
    expect(stats.body.totals).to.include({
      holds: 2,
      seatsHeld: 2,
      cancellations: 1,
      confirmations: 1,
      seatsSold: 1,
      revenue: 800,
      conversion: 0.5,
    });
    expect((stats.body.totals as Json).medianHoldToConfirmMs)
      .to.be.a('number')
      .and.to.be.at.least(0);
    expect(stats.body.schedules).to.have.length(1);
    const forbidden = await send('GET', `${queryUrl}/admin/stats/schedules/${scheduleId}`, { token: fan });
    expect(forbidden.status).to.equal(403);
  });
});
