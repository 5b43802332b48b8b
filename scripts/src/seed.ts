import { randomUUID } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { concertStreamId } from '@concert/domain';
import {
  ConfigError,
  createEventStore,
  ensureDatabase,
  loadConfig,
  migrateToLatest,
  unreachableServices,
} from '@concert/infra';
import { addSchedule, createConcert, ScheduleCatalog, type CommandContext } from '@concert/write-model';
import { demoCatalog } from './seed/demo-catalog.js';

/**
 * `npm run seed`: demo concerts, dates and seat maps, written through the same command
 * handlers as the command API, against the configured event store. Ids are fixed, so a
 * second run reports what already exists instead of adding copies.
 */
const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

const program = new Command('seed')
  .description('creates demo concerts, schedules and seats (idempotent: fixed ids)')
  .option('--rows <n>', 'seat rows per schedule', positive, 10)
  .option('--per-row <n>', 'seats per row', positive, 20)
  .option('--json', 'print the ids as JSON')
  .parse();
const options = program.opts<{ rows: number; perRow: number; json?: boolean }>();

try {
  if (options.rows * options.perRow > 5000) throw new InvalidArgumentError('a schedule has at most 5,000 seats');
  const config = loadConfig();
  // Only the event store (and PostgreSQL for the schema) matter here, not Redis or NATS.
  const down = await unreachableServices(config, ['PostgreSQL', 'EventStoreDB']);
  if (down.length > 0) {
    for (const line of down) console.error(line);
    process.exit(1);
  }
  if (config.EVENTSTORE === 'postgres') {
    await ensureDatabase(config.DATABASE_URL);
    await migrateToLatest(config.DATABASE_URL);
  }
  const store = createEventStore(config);
  const ctx: CommandContext = { store, now: () => new Date(), correlationId: `seed-${randomUUID()}`, userId: 'seed' };
  const exists = async (streamId: string): Promise<boolean> =>
    (await store.streamInfo(streamId)).revision !== 'no-stream';
  const catalog = new ScheduleCatalog(store);
  const report: {
    concertId: string;
    title: string;
    created: boolean;
    schedules: { scheduleId: string; startsAt: string; seats: number; created: boolean }[];
  }[] = [];
  try {
    for (const concert of demoCatalog(options)) {
      const concertCreated = !(await exists(concertStreamId(concert.concertId)));
      if (concertCreated)
        await createConcert(ctx, { concertId: concert.concertId, title: concert.title, venue: concert.venue });
      const schedules = [];
      for (const schedule of concert.schedules) {
        // An existing schedule keeps the seat map it was created with, whatever --rows/--per-row say now.
        const stored = await catalog.schedule(schedule.scheduleId);
        const created = stored.status === 'Empty';
        if (created) await addSchedule(ctx, { concertId: concert.concertId, ...schedule });
        const seats = stored.status === 'Empty' ? schedule.seats.length : stored.seats.size;
        const startsAt = stored.status === 'Empty' ? schedule.startsAt : stored.startsAt;
        schedules.push({ scheduleId: schedule.scheduleId, startsAt, seats, created });
      }
      report.push({ concertId: concert.concertId, title: concert.title, created: concertCreated, schedules });
    }
  } finally {
    await store.close();
  }
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    for (const c of report) {
      console.log(`concert  ${c.concertId}  ${c.created ? 'created' : 'exists '}  ${c.title}`);
      for (const s of c.schedules) {
        console.log(
          `  schedule ${s.scheduleId}  ${s.created ? 'created' : 'exists '}  ${s.startsAt}  ${s.seats} seats`,
        );
      }
    }
    const made = report.reduce((n, c) => n + Number(c.created) + c.schedules.filter((s) => s.created).length, 0);
    console.log(
      made
        ? `created ${made} stream(s) on the ${config.EVENTSTORE} event store; the projectors (npm start) make them readable`
        : 'nothing to do: the demo data is already there',
    );
  }
} catch (error) {
  console.error(
    error instanceof ConfigError || error instanceof InvalidArgumentError
      ? error.message
      : `seed failed: ${(error as Error).message}`,
  );
  process.exitCode = 1;
}
