import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import pg from 'pg';
import { ensureDatabase, loadConfig, migrateToLatest, signDevToken, type Config } from '@concert/infra';
import { removeRunResources, type ServiceProcess, startService, waitFor } from '@concert/infra/testing';

/**
 * The query API reading from a real streaming replica (READ_DATABASE_URL on 127.0.0.1:5433,
 * made by scripts/ci/replica.sh, which .ci/run runs): the database is created and migrated on
 * the primary and reaches the replica by WAL streaming, like everything the projectors write.
 * Replica lag is made deterministic by pausing WAL replay on the replica.
 * Without a replica (not Debian, no permission) the leg is skipped and says so.
 */
const REPLICA_ADMIN_URL = process.env.TEST_REPLICA_URL ?? 'postgres://postgres@127.0.0.1:5433/postgres';
const WAIT_BOUND_MS = 1500;

describe('query API on a streaming read replica: consistency tokens despite replica lag', function () {
  this.timeout(90_000);
  const run = randomBytes(4).toString('hex');
  const base = 19000 + Math.floor(Math.random() * 130) * 3;
  const ports = { command: base, query: base + 1, projectors: base + 2 };
  const commandUrl = `http://127.0.0.1:${ports.command}`;
  const queryUrl = `http://127.0.0.1:${ports.query}`;
  let config: Config | undefined;
  let replica: pg.Client | undefined;
  let primary: pg.Client | undefined;
  const services: ServiceProcess[] = [];

  before(async function () {
    const reason = await replicaUnavailable();
    if (reason) {
      console.log(`  ! PostgreSQL replica leg SKIPPED: ${reason} (scripts/ci/replica.sh creates it)`);
      this.skip();
    }
    // A database of its own (the relay starts at the beginning of the feed), same name on both servers.
    const database = new URL(process.env.DATABASE_URL!);
    database.pathname = `${database.pathname}_replica`;
    await ensureDatabase(database.toString());
    await migrateToLatest(database.toString());
    const readUrl = new URL(REPLICA_ADMIN_URL);
    readUrl.pathname = database.pathname;
    await waitForReplicaCopy(readUrl.toString());

    const env = {
      DATABASE_URL: database.toString(),
      READ_DATABASE_URL: readUrl.toString(),
      NATS_STREAM: `REPLICA_${run}`,
      NATS_SUBJECT_PREFIX: `replica_${run}`,
      REDIS_KEY_PREFIX: `test:replica:${run}:`,
      COMMAND_API_PORT: String(ports.command),
      QUERY_API_PORT: String(ports.query),
      PROJECTORS_PORT: String(ports.projectors),
      CONSISTENCY_WAIT_MS: String(WAIT_BOUND_MS),
      HOLD_DURATION_MS: '120000',
    };
    config = loadConfig({ ...process.env, ...env });
    replica = new pg.Client({ connectionString: REPLICA_ADMIN_URL });
    primary = new pg.Client({ connectionString: database.toString() });
    await Promise.all([replica.connect(), primary.connect()]);
    // One at a time: on a loaded machine three starting at once can each miss their ready deadline.
    services.push(await startService('command-api/src/main.ts', ports.command, env));
    services.push(await startService('projectors/src/main.ts', ports.projectors, env));
    services.push(await startService('query-api/src/main.ts', ports.query, env));
  });

  after(async () => {
    // Never leave the shared replica paused, whatever happened above.
    await replica?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await Promise.all(services.map((s) => s.stop()));
    await replica?.end().catch(() => undefined);
    await primary?.end().catch(() => undefined);
    if (!config) return;
    await removeRunResources(config);
  });

  const token = (userId: string, roles: string[] = []): string =>
    signDevToken(config!, { userId, roles, expiresInSeconds: 600 });

  type Json = Record<string, unknown>;
  async function send(
    method: string,
    url: string,
    options: { token: string; body?: unknown; consistency?: string | null },
  ): Promise<{ status: number; body: Json; consistency: string | null }> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.consistency) headers['x-consistency-token'] = options.consistency;
    const response = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Json,
      consistency: response.headers.get('x-consistency-token'),
    };
  }

  /**
   * A read with a consistency token, retried after 503 read-model-lagging as a client would
   * (Retry-After): with replay running, the replica catches up; a loaded machine may need
   * longer than one CONSISTENCY_WAIT_MS.
   */
  async function readCaughtUp(
    url: string,
    user: string,
    consistency: string | null,
  ): Promise<{ status: number; body: Json }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const read = await send('GET', url, { token: token(user), consistency });
      if (read.status !== 503 || read.body.code !== 'read-model-lagging' || Date.now() > deadline) return read;
      await sleep(250);
    }
  }

  async function heldReservation(fan: string): Promise<{ reservationId: string }> {
    const admin = token(`admin-${run}`, ['admin']);
    const concert = await send('POST', `${commandUrl}/admin/concerts`, {
      token: admin,
      body: { title: 'Replica', venue: 'Hall' },
    });
    expect(concert.status, JSON.stringify(concert.body)).to.equal(201);
    const schedule = await send('POST', `${commandUrl}/admin/concerts/${String(concert.body.concertId)}/schedules`, {
      token: admin,
      body: { startsAt: '2027-09-01T19:00:00.000Z', seats: [{ seatId: 'A-1', grade: 'VIP', price: 1500 }] },
    });
    expect(schedule.status, JSON.stringify(schedule.body)).to.equal(201);
    const hold = await send('POST', `${commandUrl}/reservations`, {
      token: token(fan),
      body: { scheduleId: schedule.body.scheduleId, seatIds: ['A-1'] },
    });
    expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
    const reservationId = String(hold.body.reservationId);
    const read = await readCaughtUp(`${queryUrl}/reservations/${reservationId}`, fan, hold.consistency);
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect(read.body).to.include({ reservationId, status: 'HELD' });
    return { reservationId };
  }

  it('When a command is followed by a query with its token, Then the replica serves the new state', async () => {
    const fan = `fan-${run}-1`;
    const { reservationId } = await heldReservation(fan);
    const cancel = await send('POST', `${commandUrl}/reservations/${reservationId}/cancel`, { token: token(fan) });
    expect(cancel.status, JSON.stringify(cancel.body)).to.equal(200);
    const read = await readCaughtUp(`${queryUrl}/reservations/${reservationId}`, fan, cancel.consistency);
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    expect(read.body).to.include({ reservationId, status: 'CANCELLED' });
  });

  it('When WAL replay on the replica is paused, Then a query with the token waits and answers 503 read-model-lagging, one without it the stale state, and after resuming the new state', async () => {
    const fan = `fan-${run}-2`;
    const { reservationId } = await heldReservation(fan);

    await replica!.query('SELECT pg_wal_replay_pause()');
    await waitFor(
      'WAL replay paused on the replica',
      async () =>
        (await replica!.query<{ s: string }>('SELECT pg_get_wal_replay_pause_state() AS s')).rows[0]!.s === 'paused',
      20_000,
      100,
    );

    const cancel = await send('POST', `${commandUrl}/reservations/${reservationId}/cancel`, { token: token(fan) });
    expect(cancel.status, JSON.stringify(cancel.body)).to.equal(200);
    // The projector has applied the cancel on the primary: only the replica is behind.
    await waitFor(
      'the cancel projected on the primary',
      async () => {
        const { rows } = await primary!.query<{ status: string }>(
          'SELECT status FROM rm_reservations WHERE reservation_id = $1',
          [reservationId],
        );
        return rows[0]?.status === 'CANCELLED';
      },
      20_000,
      100,
    );

    const started = Date.now();
    const lagging = await send('GET', `${queryUrl}/reservations/${reservationId}`, {
      token: token(fan),
      consistency: cancel.consistency,
    });
    const waited = Date.now() - started;
    expect(lagging.status, JSON.stringify(lagging.body)).to.equal(503);
    expect(lagging.body).to.include({ code: 'read-model-lagging' });
    expect(waited, 'the query waited for the replica before giving up').to.be.at.least(WAIT_BOUND_MS - 50);

    const stale = await send('GET', `${queryUrl}/reservations/${reservationId}`, { token: token(fan) });
    expect(stale.status, JSON.stringify(stale.body)).to.equal(200);
    expect(stale.body, 'without a token the replica answers what it has').to.include({ reservationId, status: 'HELD' });

    await replica!.query('SELECT pg_wal_replay_resume()');
    const fresh = await readCaughtUp(`${queryUrl}/reservations/${reservationId}`, fan, cancel.consistency);
    expect(fresh.status, JSON.stringify(fresh.body)).to.equal(200);
    expect(fresh.body).to.include({ reservationId, status: 'CANCELLED' });
  });
});

/** Why the replica cannot be used, or undefined when it answers and is in recovery. */
async function replicaUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: REPLICA_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ recovery: boolean; streaming: boolean }>(
      `SELECT pg_is_in_recovery() AS recovery, EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming`,
    );
    if (!rows[0]?.recovery) return `${REPLICA_ADMIN_URL} answers but is not a standby`;
    return rows[0].streaming ? undefined : `${REPLICA_ADMIN_URL} is a standby but is not streaming from the primary`;
  } catch (error) {
    return `no replica at ${REPLICA_ADMIN_URL} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The freshly migrated database reaches the replica by streaming: wait until its tables are there. */
async function waitForReplicaCopy(url: string): Promise<void> {
  await waitFor(
    'the migrated tables on the replica',
    async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass('rm_reservations')::text AS t`);
        return rows[0]?.t != null;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    30_000,
    100,
  );
}
