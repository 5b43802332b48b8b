import { currentSchemaVersion } from '@concert/domain';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  comparePositions,
  createEventStore,
  ensureDatabase,
  loadConfig,
  migrateToLatest,
  schemaExists,
  shadowSchemaOf,
  signDevToken,
  type Config,
  type EventStore,
  type GlobalPosition,
} from '@concert/infra';
import { allProjections, catalogProjection } from '@concert/projectors';
import { removeRunResources, type ServiceProcess, startPatiently } from '@concert/infra/testing';
import { expect } from 'chai';
import knexFactory, { type Knex } from 'knex';
import { Workload, type Op } from '../src/bench/projection-workload.js';
import { rebuildProjections } from '../src/projections/rebuild.js';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface DiffJson {
  table: string;
  missing: number;
  extra: number;
  changed: number;
  samples: {
    kind: string;
    key: Record<string, unknown>;
    current: { status?: string } | null;
    rebuilt: { status?: string } | null;
  }[];
}
interface RebuildJson {
  aborted: boolean;
  results: { projection: string; diffs?: DiffJson[]; checkpoint?: { streamSequence: number } }[];
}

/**
 * Rebuilding read models while the system runs: the projectors process (relay + live
 * projectors) and the query API run as child processes on a database of their own; the
 * `projections` CLI runs as the ops would run it. The steps build on each other, in order.
 */
describe('projections rebuild: shadow tables swapped in while the live system runs', function () {
  this.timeout(240_000);
  const run = randomBytes(4).toString('hex');
  const ports = { query: 19100 + Math.floor(Math.random() * 400), projectors: 0 };
  ports.projectors = ports.query + 1;
  let env: Record<string, string>;
  let config: Config;
  let services: ServiceProcess[] = [];
  let store: EventStore;
  let db: Knex;
  let workload: Workload;
  let lastPosition: GlobalPosition = { commit: 0n, prepare: 0n };
  let appended = 0;

  before(async () => {
    const database = new URL(process.env.DATABASE_URL!);
    database.pathname = `${database.pathname}_rebuild`;
    await ensureDatabase(database.toString());
    await migrateToLatest(database.toString());
    env = {
      DATABASE_URL: database.toString(),
      READ_DATABASE_URL: database.toString(),
      NATS_STREAM: `REBUILD_${run}`,
      NATS_SUBJECT_PREFIX: `rebuild_${run}`,
      REDIS_KEY_PREFIX: `test:rebuild:${run}:`,
      QUERY_API_PORT: String(ports.query),
      PROJECTORS_PORT: String(ports.projectors),
      PROJECTION_MAX_ATTEMPTS: '2',
    };
    config = loadConfig({ ...process.env, ...env });
    db = knexFactory({ client: 'pg', connection: config.DATABASE_URL, pool: { min: 0, max: 4 } });
    store = createEventStore(config);
    services = await Promise.all([
      startPatiently('projectors/src/main.ts', ports.projectors, env),
      startPatiently('query-api/src/main.ts', ports.query, env),
    ]);
    workload = new Workload({ schedules: 2, seatsPerSchedule: 120, schedulesPerConcert: 2, users: 25 });
    for (const op of workload.setup()) await appendOp(op);
    await appendLifecycles(500);
    await liveCaughtUp();
  });

  after(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await store?.close();
    await db?.destroy();
    await removeRunResources(config);
  });

  async function appendOp(op: Op): Promise<void> {
    const results =
      op.writes.length === 1
        ? [await store.append(op.writes[0]!.streamId, op.writes[0]!.events, op.writes[0]!.expectedRevision)]
        : await store.appendMany!(op.writes);
    for (const r of results) if (comparePositions(r.position, lastPosition) > 0) lastPosition = r.position;
    appended += op.events;
  }

  async function appendLifecycles(events: number): Promise<void> {
    let budget = events;
    while (budget > 0) {
      const lifecycle = workload.next(budget);
      for (const op of lifecycle.ops) await appendOp(op);
      lifecycle.done();
      budget -= lifecycle.events;
    }
  }

  /** Every live projection's checkpoint at the last appended event. */
  async function liveCaughtUp(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await db('projection_checkpoints').whereIn(
        'projection',
        allProjections.map((p) => p.name),
      );
      const behind = allProjections.filter((p) => {
        const row = rows.find((r: { projection: string }) => r.projection === p.name) as
          { commit_position: string; prepare_position: string } | undefined;
        return (
          !row ||
          comparePositions(
            { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position) },
            lastPosition,
          ) < 0
        );
      });
      if (behind.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`live projections still behind: ${behind.map((p) => p.name).join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  function cli(...args: string[]): Promise<CliRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--conditions=development', '--import', 'tsx', 'scripts/src/projections/main.ts', ...args],
        {
          env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  async function dryRun(): Promise<{ run: CliRun; json: RebuildJson; differing: DiffJson[] }> {
    const result = await cli('rebuild', '--all', '--dry-run', '--batch-size', '200', '--json');
    if (result.code !== 0 && result.code !== 1) throw new Error(`dry run failed (${result.code}): ${result.stderr}`);
    const json = JSON.parse(result.stdout) as RebuildJson;
    const differing = json.results.flatMap((r) => r.diffs ?? []).filter((d) => d.missing + d.extra + d.changed > 0);
    return { run: result, json, differing };
  }

  async function get(path: string, userId = 'reader'): Promise<{ status: number; body: unknown }> {
    const token = signDevToken(config, { userId, roles: [], expiresInSeconds: 600 });
    const response = await fetch(`http://127.0.0.1:${ports.query}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json() };
  }

  it('Given a mixed workload projected live, When `rebuild --all --dry-run` runs, Then it reports zero differences and exits 0', async () => {
    const { run: result, json, differing } = await dryRun();
    expect(differing).to.deep.equal([]);
    expect(result.code).to.equal(0);
    expect(json.results.map((r) => r.projection)).to.deep.equal(allProjections.map((p) => p.name));
    // Every table took part: the comparison compared rows.
    for (const table of allProjections.flatMap((p) => p.tables)) {
      const [row] = await db(table).count<{ count: string }[]>('* as count');
      expect(Number(row?.count), table).to.be.greaterThan(0);
    }
    // A dry run without --keep drops its shadow tables once compared.
    for (const projection of allProjections)
      expect(await schemaExists(db, shadowSchemaOf(projection.name)), projection.name).to.equal(false);
  });

  let corruptSeat: { schedule_id: string; seat_id: string; status: string };
  let deletedReservation: string;

  it('Given one seat row and one reservation row corrupted by hand, When dry-run, Then it reports exactly those rows and exits 1', async () => {
    corruptSeat = (await db('rm_seats')
      .where({ status: 'AVAILABLE' })
      .orderBy(['schedule_id', 'seat_id'])
      .first('schedule_id', 'seat_id', 'status'))!;
    await db('rm_seats')
      .where({ schedule_id: corruptSeat.schedule_id, seat_id: corruptSeat.seat_id })
      .update({ status: 'SOLD' });
    deletedReservation = (await db('rm_reservations').orderBy('reservation_id').first('reservation_id'))!
      .reservation_id as string;
    await db('rm_reservations').where({ reservation_id: deletedReservation }).delete();

    const { run: result, differing } = await dryRun();
    expect(result.code).to.equal(1);
    expect(differing.map(({ table, missing, extra, changed }) => ({ table, missing, extra, changed }))).to.deep.equal([
      { table: 'rm_seats', missing: 0, extra: 0, changed: 1 },
      { table: 'rm_reservations', missing: 1, extra: 0, changed: 0 },
    ]);
    const [seatDiff] = differing[0]!.samples;
    expect(differing[0]!.samples).to.have.length(1);
    expect([seatDiff!.kind, seatDiff!.key]).to.deep.equal([
      'changed',
      { schedule_id: corruptSeat.schedule_id, seat_id: corruptSeat.seat_id },
    ]);
    expect([seatDiff!.current?.status, seatDiff!.rebuilt?.status]).to.deep.equal(['SOLD', 'AVAILABLE']);
    expect(differing[1]!.samples.map((s) => [s.kind, s.key])).to.deep.equal([
      ['missing', { reservation_id: deletedReservation }],
    ]);
    // The human-readable report names the row too.
    const text = await cli('rebuild', 'catalog', '--dry-run');
    expect(text.code).to.equal(1);
    expect(text.stdout).to.include('rm_seats: 0 missing, 0 extra, 1 changed').and.include(corruptSeat.seat_id);
  });

  it('Given the corrupted rows, When `rebuild --all` runs while queries run in a loop, Then the rows are fixed, every query answered 200, and the cached seat map is refreshed', async () => {
    const seatsPath = `/schedules/${corruptSeat.schedule_id}/seats`;
    const statusOf = (body: unknown): string | undefined =>
      (body as { seatId: string; status: string }[]).find((s) => s.seatId === corruptSeat.seat_id)?.status;
    // Served (and cached) with the corruption.
    expect(statusOf((await get(seatsPath)).body)).to.equal('SOLD');

    const concerts = (await get('/concerts')).body as { concertId: string }[];
    const paths = [seatsPath, '/concerts', `/concerts/${concerts[0]!.concertId}/schedules`, '/me/wallet'];
    let stop = false;
    const answers: number[] = [];
    const readers = paths.map(async (path) => {
      while (!stop) {
        const { status } = await get(path, 'user-1');
        answers.push(status);
      }
    });
    // Direct reads of the live tables too, as a replica's clients would.
    const direct = (async () => {
      let reads = 0;
      while (!stop) {
        for (const table of allProjections.flatMap((p) => p.tables)) await db(table).count('* as count');
        reads++;
      }
      return reads;
    })();
    const rebuilt = await cli('rebuild', '--all', '--batch-size', '100');
    stop = true;
    await Promise.all(readers);
    const directReads = await direct;

    expect(rebuilt.code, rebuilt.stderr).to.equal(0);
    expect(answers.length).to.be.greaterThan(paths.length);
    expect(answers.filter((s) => s !== 200 && s !== 404)).to.deep.equal([]);
    expect(directReads).to.be.greaterThan(0);
    expect(rebuilt.stderr).to.match(/\d+ events\/s/);

    const seat = await db('rm_seats')
      .where({ schedule_id: corruptSeat.schedule_id, seat_id: corruptSeat.seat_id })
      .first('status');
    expect(seat.status).to.equal('AVAILABLE');
    expect(await db('rm_reservations').where({ reservation_id: deletedReservation }).first()).to.not.equal(undefined);
    // The swap deleted the catalog's cache entries: the query API reads the fixed row.
    expect(statusOf((await get(seatsPath)).body)).to.equal('AVAILABLE');
    for (const projection of allProjections)
      expect(await schemaExists(db, shadowSchemaOf(projection.name)), projection.name).to.equal(false);
    // Index names are those of the migration, not generated ones.
    const { rows } = await db.raw<{ rows: { indexname: string }[] }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'rm_schedules' ORDER BY 1",
    );
    expect(rows.map((r) => r.indexname)).to.deep.equal(['rm_schedules_by_concert', 'rm_schedules_pkey']);
  });

  it('Given a swap, When new events arrive, Then the live projectors apply each exactly once after it (no duplicate, no gap) and their stream sequence counts the feed', async () => {
    await appendLifecycles(300);
    await liveCaughtUp();
    const { differing, run: result } = await dryRun();
    expect(differing).to.deep.equal([]);
    expect(result.code).to.equal(0);
    // The relay published every feed event once, from sequence 1: a checkpoint at the last
    // event has the sequence of the number of events.
    const rows = await db('projection_checkpoints')
      .whereIn(
        'projection',
        allProjections.map((p) => p.name),
      )
      .select('projection', 'stream_sequence');
    for (const row of rows as { projection: string; stream_sequence: string }[])
      expect(Number(row.stream_sequence), row.projection).to.equal(appended);
  });

  it('Given a rebuild interrupted after two batches, When it is run again, Then it resumes from its shadow position and the result equals the live tables', async () => {
    const controller = new AbortController();
    const firstRun: number[] = [];
    const first = await rebuildProjections({
      knex: db,
      eventStore: store,
      projections: [catalogProjection],
      batchSize: 50,
      dryRun: true,
      restart: true,
      signal: controller.signal,
      afterBatch: (read) => {
        firstRun.push(read);
        if (firstRun.length === 2) controller.abort();
      },
    });
    expect(first.aborted).to.equal(true);
    expect(firstRun).to.deep.equal([50, 100]);
    expect(await schemaExists(db, shadowSchemaOf('catalog'))).to.equal(true);

    const secondRun: number[] = [];
    const second = await rebuildProjections({
      knex: db,
      eventStore: store,
      projections: [catalogProjection],
      batchSize: 50,
      dryRun: true,
      afterBatch: (read) => secondRun.push(read),
    });
    expect(second.aborted).to.equal(false);
    expect(secondRun[0]).to.equal(150);
    expect(secondRun.at(-1)).to.be.at.least(appended - 50);
    const diffs = second.results[0]!.diffs!;
    expect(diffs.map((d) => d.missing + d.extra + d.changed)).to.deep.equal([0, 0, 0]);
    expect(second.results[0]!.restarted).to.equal(undefined);
    expect(await schemaExists(db, shadowSchemaOf('catalog'))).to.equal(false);
  });

  /** Starts a catalog rebuild and interrupts it after two batches of 50; the shadow tables stay. */
  async function interruptedCatalogRebuild(dryRun: boolean): Promise<void> {
    const controller = new AbortController();
    let batches = 0;
    const outcome = await rebuildProjections({
      knex: db,
      eventStore: store,
      projections: [catalogProjection],
      batchSize: 50,
      dryRun,
      signal: controller.signal,
      afterBatch: () => {
        if (++batches === 2) controller.abort();
      },
    });
    expect(outcome.aborted).to.equal(true);
    expect(await schemaExists(db, shadowSchemaOf('catalog'))).to.equal(true);
  }

  /** Runs a catalog dry run to the end; what it read first, what it was told, and its result. */
  async function catalogDryRun(projection = catalogProjection) {
    const reads: number[] = [];
    const notices: string[] = [];
    const outcome = await rebuildProjections({
      knex: db,
      eventStore: store,
      projections: [projection],
      batchSize: 50,
      dryRun: true,
      afterBatch: (read) => reads.push(read),
      notice: (message) => notices.push(message),
    });
    const result = outcome.results[0]!;
    return {
      firstRead: reads[0],
      notices,
      result,
      differing: result.diffs!.filter((d) => d.missing + d.extra + d.changed > 0),
    };
  }

  it('Given a dry run with --keep and a shadow seat row then edited by hand, When `rebuild catalog` runs, Then it starts again from scratch, says so on stderr, and the edit does not go live', async () => {
    const kept = await cli('rebuild', 'catalog', '--dry-run', '--keep', '--batch-size', '200');
    expect(kept.code, kept.stderr).to.equal(0);
    expect(kept.stdout).to.include('shadow tables kept in rebuild_catalog');
    const seat = (await db('rebuild_catalog.rm_seats')
      .where({ status: 'AVAILABLE' })
      .orderBy(['schedule_id', 'seat_id'])
      .first('schedule_id', 'seat_id')) as { schedule_id: string; seat_id: string };
    await db('rebuild_catalog.rm_seats').where(seat).update({ status: 'SOLD' });

    const rebuilt = await cli('rebuild', 'catalog', '--batch-size', '200');
    expect(rebuilt.code, rebuilt.stderr).to.equal(0);
    expect(rebuilt.stderr).to.include(
      'catalog: dropped the shadow tables in rebuild_catalog and starting again from the start of the feed: a dry run left them',
    );
    expect(await db('rm_seats').where(seat).first('status')).to.deep.equal({ status: 'AVAILABLE' });
    expect(await schemaExists(db, shadowSchemaOf('catalog'))).to.equal(false);
  });

  it('Given an interrupted rebuild whose shadow table definition was changed, When it runs again, Then it starts again from the first event and the result equals the live tables', async () => {
    await interruptedCatalogRebuild(false);
    await db.raw('ALTER TABLE rebuild_catalog.rm_seats ADD COLUMN note text');

    const { firstRead, notices, result, differing } = await catalogDryRun();
    expect(firstRead).to.equal(50);
    expect(notices).to.deep.equal([
      "catalog: dropped the shadow tables in rebuild_catalog and starting again from the start of the feed: their definitions no longer match the live tables'",
    ]);
    expect(result.restarted).to.equal("their definitions no longer match the live tables'");
    expect(differing).to.deep.equal([]);
  });

  it('Given an interrupted rebuild, When the projection version changed before it runs again, Then it starts again from the first event and says which versions', async () => {
    await interruptedCatalogRebuild(false);

    const { firstRead, notices, differing } = await catalogDryRun({
      ...catalogProjection,
      version: catalogProjection.version + 1,
    });
    expect(firstRead).to.equal(50);
    expect(notices).to.have.length(1);
    expect(notices[0]).to.include(
      `they were built by version ${catalogProjection.version} of the projection, this is version ${catalogProjection.version + 1}`,
    );
    expect(differing).to.deep.equal([]);
  });

  it('Given shadow tables left by an interrupted dry run, When `rebuild --all --discard` runs, Then it drops them with their progress and says what it dropped', async () => {
    await interruptedCatalogRebuild(true);
    const status = JSON.parse((await cli('status', '--json')).stdout) as {
      projectors: { projector: string; rebuildAt?: string; rebuildByDryRun?: boolean }[];
    };
    expect(status.projectors.find((p) => p.projector === 'catalog')).to.include({ rebuildByDryRun: true });

    const discarded = await cli('rebuild', '--all', '--discard');
    expect(discarded.code, discarded.stderr).to.equal(0);
    expect(discarded.stdout).to.match(
      /^catalog: dropped schema rebuild_catalog \(left by a dry run, at \d+\.\d+\): rebuild_state, rm_concerts, rm_schedules, rm_seats$/m,
    );
    expect(discarded.stdout).to.include('sales: no shadow tables');
    expect(await schemaExists(db, shadowSchemaOf('catalog'))).to.equal(false);

    const again = await cli('rebuild', 'catalog', '--discard', '--json');
    expect(again.code, again.stderr).to.equal(0);
    expect(JSON.parse(again.stdout)).to.deep.equal([{ projection: 'catalog' }]);
  });

  it('Given an event the wallets projector parked, When `parked list` and then `parked retry --all` after the cause is gone, Then it is listed, applied once, and removed', async () => {
    await db.raw('ALTER TABLE rm_wallets ADD CONSTRAINT test_poison CHECK (balance <> 7654321)');
    const userId = `poisoned-${randomUUID()}`;
    const correlationId = randomUUID();
    const result = await store.append(
      `wallet-${userId}`,
      [
        {
          type: 'WalletCharged',
          data: { userId, chargeId: randomUUID(), amount: 7654321, chargedAt: new Date().toISOString() },
          metadata: {
            correlationId,
            causationId: correlationId,
            occurredAt: new Date().toISOString(),
            schemaVersion: currentSchemaVersion('WalletCharged'),
          },
        },
      ],
      'no-stream',
    );
    lastPosition = result.position;
    appended += 1;
    await liveCaughtUp();

    const listed = await cli('parked', 'list', '--projection', 'wallets', '--json');
    expect(listed.code).to.equal(0);
    const parked = JSON.parse(listed.stdout) as { id: number; eventType: string; streamId: string; error: string }[];
    expect(parked.map((p) => [p.eventType, p.streamId])).to.deep.equal([['WalletCharged', `wallet-${userId}`]]);
    expect(parked[0]!.error).to.include('test_poison');
    expect(await db('rm_wallets').where({ user_id: userId }).first()).to.equal(undefined);

    // Still failing: kept, exit 1.
    const again = await cli('parked', 'retry', String(parked[0]!.id));
    expect(again.code).to.equal(1);
    expect(await db('parked_events').where({ id: parked[0]!.id }).first('attempts')).to.deep.equal({ attempts: 3 });

    await db.raw('ALTER TABLE rm_wallets DROP CONSTRAINT test_poison');
    const retried = await cli('parked', 'retry', '--all');
    expect(retried.code, retried.stderr).to.equal(0);
    expect(retried.stdout).to.include('applied');
    const wallet = await db('rm_wallets').where({ user_id: userId }).first('balance');
    expect(wallet).to.deep.equal({ balance: '7654321' });
    expect(JSON.parse((await cli('parked', 'list', '--json')).stdout)).to.deep.equal([]);

    const status = await cli('status', '--json');
    expect(status.code).to.equal(0);
    const { projectors: rows, workers } = JSON.parse(status.stdout) as {
      projectors: { projector: string; lagEvents: number; parked: number; streamSequence: number }[];
      workers: { consumers: { durable: string }[]; notifications: { deadLetters: number } };
    };
    expect(workers.consumers.map((c) => c.durable)).to.deep.equal(['saga_expiry', 'notifier']);
    expect(workers.notifications.deadLetters).to.be.a('number');
    for (const projection of allProjections) {
      const row = rows.find((r) => r.projector === projection.name)!;
      expect(row, projection.name).to.include({ lagEvents: 0, parked: 0, streamSequence: appended });
    }
  });
});
