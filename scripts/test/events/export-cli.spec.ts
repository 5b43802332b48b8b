import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { concertStreamId, scheduleStreamId, seatStreamId, walletStreamId } from '@concert/domain';
import { PostgresEventStore, formatPosition } from '@concert/infra';
import { parseCsv } from './parse-csv.js';
import { runEventsCli, startEventsCli, type CliExit } from './events-cli.js';
import { domainEvent, readEverything, waitUntilInFeed } from './event-fixtures.js';

/** `npm run events -- export|replay` as a child process against the PostgreSQL event store of the test run. */
describe('npm run events (the CLI, against the PostgreSQL event store)', function () {
  this.timeout(180_000);
  const run = randomUUID().slice(0, 8);
  let store: PostgresEventStore;
  let dir: string;

  before(() => {
    store = new PostgresEventStore({ connectionString: process.env.DATABASE_URL!, maxConnections: 4 });
    dir = mkdtempSync(join(tmpdir(), 'events-cli-'));
  });
  after(() => store.close());

  const expectSuccess = (exit: CliExit): void => {
    expect(exit.code, exit.stderr).to.equal(0);
  };

  it('When a category is exported to NDJSON, Then it holds every event of the category once, in feed order, and the amounts add up to what the store holds', async () => {
    const charges = [1_500, 20_000, 333, 47_000, 1];
    for (const [i, amount] of charges.entries()) {
      const userId = `fan-${run}-${i}`;
      await store.append(
        walletStreamId(userId),
        [
          domainEvent(
            'WalletCharged',
            { userId, chargeId: randomUUID(), amount, chargedAt: new Date().toISOString() },
            userId,
          ),
        ],
        'any',
      );
    }
    await store.append(
      walletStreamId(`fan-${run}-0`),
      [
        domainEvent('WalletDebited', {
          userId: `fan-${run}-0`,
          paymentId: randomUUID(),
          amount: 500,
          debitedAt: new Date().toISOString(),
        }),
      ],
      'any',
    );
    await waitUntilInFeed(store, walletStreamId(`fan-${run}-0`));

    const exit = await runEventsCli(['export', '--category', 'wallet']);
    expectSuccess(exit);
    const lines = exit.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; type: string; data: { amount: number; userId: string } });
    const stored = await readEverything(store, { categories: ['wallet'] });

    expect(lines.map((e) => e.id)).to.deep.equal(stored.map((e) => e.id));
    const total = (events: { type: string; data: unknown }[], type: string): number =>
      events.filter((e) => e.type === type).reduce((sum, e) => sum + (e.data as { amount: number }).amount, 0);
    expect(total(lines, 'WalletCharged')).to.equal(total(stored, 'WalletCharged'));
    expect(total(lines, 'WalletDebited')).to.equal(total(stored, 'WalletDebited'));
    const ours = lines.filter((e) => e.type === 'WalletCharged' && e.data.userId.startsWith(`fan-${run}-`));
    expect(ours.map((e) => e.data.amount)).to.deep.equal(charges);
    expect(Object.keys(lines[0]!)).to.deep.equal([
      'position',
      'streamId',
      'revision',
      'type',
      'schemaVersion',
      'id',
      'time',
      'data',
      'metadata',
    ]);
    expect(exit.stderr).to.include(`exported ${stored.length} events`);
  });

  it('When a category is exported to CSV, Then a header row comes first, then one row per event, with commas, quotes and line breaks in data quoted', async () => {
    const concertId = `csv-${run}`;
    const title = `Rock, "Roll"\nand Ballads ${run}`;
    await store.append(
      concertStreamId(concertId),
      [
        domainEvent('ConcertCreated', { concertId, title, venue: 'Hall; "B", 2nd floor' }),
        domainEvent('SalesOpened', { concertId, openedAt: new Date().toISOString() }),
      ],
      'no-stream',
    );
    await waitUntilInFeed(store, concertStreamId(concertId));
    const out = join(dir, 'concerts.csv');

    const exit = await runEventsCli(['export', '--category', 'concert', '--format', 'csv', '--out', out]);
    expectSuccess(exit);
    expect(exit.stdout).to.equal('');
    const [header, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    const stored = await readEverything(store, { categories: ['concert'] });

    expect(header!.slice(0, 7)).to.deep.equal([
      'position',
      'streamId',
      'revision',
      'type',
      'schemaVersion',
      'id',
      'time',
    ]);
    expect(header).to.include.members([
      'data.concertId',
      'data.title',
      'data.venue',
      'data.openedAt',
      'metadata.correlationId',
      'metadata.userId',
    ]);
    expect(header).not.to.include('data.seats');
    expect(header!.at(-1)).to.equal('extra');
    expect(rows).to.have.length(stored.length);
    for (const row of rows) expect(row).to.have.length(header!.length);
    expect(rows.map((row) => row[header!.indexOf('id')])).to.deep.equal(stored.map((e) => e.id));
    const created = rows.find(
      (row) =>
        row[header!.indexOf('data.concertId')] === concertId && row[header!.indexOf('type')] === 'ConcertCreated',
    )!;
    expect(created[header!.indexOf('data.title')]).to.equal(title);
    expect(created[header!.indexOf('data.venue')]).to.equal('Hall; "B", 2nd floor');
    expect(created[header!.indexOf('position')]).to.equal(
      formatPosition(stored.find((e) => e.streamId === concertStreamId(concertId))!.position),
    );
  });

  it('When --out names a .csv file and --format is not given, Then the file is CSV; a contradicting --format is refused before anything is written', async () => {
    const out = join(dir, 'implied.csv');
    const exit = await runEventsCli(['export', '--category', 'concert', '--limit', '1', '--out', out]);
    expectSuccess(exit);
    const [header] = parseCsv(readFileSync(out, 'utf8'));
    expect(header!.slice(0, 3)).to.deep.equal(['position', 'streamId', 'revision']);

    const contradiction = await runEventsCli([
      'export',
      '--category',
      'concert',
      '--format',
      'ndjson',
      '--out',
      join(dir, 'never.csv'),
    ]);
    expect(contradiction.code).to.equal(1);
    expect(contradiction.stderr.trim()).to.equal(
      `error: --out ${join(dir, 'never.csv')} names a csv file but --format is ndjson`,
    );
    expect(existsSync(join(dir, 'never.csv'))).to.equal(false);
  });

  it('When selecting by stream, type and position range on the command line, Then only the events inside all of them are exported', async () => {
    const userId = `sel-${run}`;
    const stream = walletStreamId(userId);
    const charge = (amount: number) =>
      domainEvent('WalletCharged', { userId, chargeId: randomUUID(), amount, chargedAt: new Date().toISOString() });
    await store.append(stream, [charge(1), charge(2)], 'no-stream');
    await store.append(
      stream,
      [
        domainEvent('WalletDebited', {
          userId,
          paymentId: randomUUID(),
          amount: 1,
          debitedAt: new Date().toISOString(),
        }),
      ],
      1n,
    );
    await store.append(stream, [charge(3), charge(4)], 2n);
    await waitUntilInFeed(store, stream);
    const events = await readEverything(store, { streamIds: [stream] });

    const exit = await runEventsCli([
      'export',
      '--stream',
      stream,
      '--type',
      'WalletCharged',
      '--from-position',
      formatPosition(events[0]!.position),
      '--to-position',
      formatPosition(events[3]!.position),
    ]);
    expectSuccess(exit);
    const amounts = exit.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { data: { amount: number } }).data.amount);
    expect(amounts).to.deep.equal([2, 3]);
  });

  it('When following, Then an event appended after the start is written, and Ctrl-C ends the export cleanly with exit code 130 (what npm run reports too)', async () => {
    const userId = `follow-${run}`;
    const stream = walletStreamId(userId);
    const charge = (amount: number) =>
      domainEvent('WalletCharged', { userId, chargeId: randomUUID(), amount, chargedAt: new Date().toISOString() });
    await store.append(stream, [charge(10)], 'no-stream');
    await waitUntilInFeed(store, stream);

    const cli = startEventsCli(['export', '--follow', '--stream', stream]);
    try {
      await cli.waitForLines(1);
      await store.append(stream, [charge(20)], 0n);
      const lines = await cli.waitForLines(2);
      expect(lines.map((line) => (JSON.parse(line) as { data: { amount: number } }).data.amount)).to.deep.equal([
        10, 20,
      ]);
      const exit = await cli.interrupt();
      expect(exit.code, exit.stderr).to.equal(130);
      expect(exit.stderr.trim()).to.match(/^exported 2 events in [\d.]+ s .*; last position \d+\.\d+$/);
    } finally {
      cli.kill();
    }
  });

  it('When the example module replays seat sales, Then it prints seats sold and revenue per grade of the seats that were sold', async () => {
    const concertId = `replay-${run}`;
    const scheduleId = `replay-${run}-s1`;
    const seats = [
      { seatId: 'A-1', grade: 'VIP', price: 150_000 },
      { seatId: 'A-2', grade: 'VIP', price: 150_000 },
      { seatId: 'B-1', grade: 'R', price: 90_000 },
      { seatId: 'B-2', grade: 'R', price: 95_000 },
    ];
    const sold = ['A-1', 'B-1', 'B-2'];
    await store.append(
      concertStreamId(concertId),
      [domainEvent('ConcertCreated', { concertId, title: 'Replay night', venue: 'Arena' })],
      'no-stream',
    );
    await store.append(
      scheduleStreamId(scheduleId),
      [domainEvent('ScheduleAdded', { concertId, scheduleId, startsAt: '2027-05-01T19:00:00.000Z', seats })],
      'no-stream',
    );
    for (const seatId of sold) {
      await store.append(
        seatStreamId(scheduleId, seatId),
        [domainEvent('SeatSold', { scheduleId, seatId, reservationId: `r-${run}`, paymentId: `p-${run}` })],
        'no-stream',
      );
    }
    await waitUntilInFeed(store, seatStreamId(scheduleId, 'B-2'));

    const exit = await runEventsCli([
      'replay',
      '--projection',
      'scripts/examples/sales-by-grade.mjs',
      '--type',
      'ConcertCreated',
      '--type',
      'ScheduleAdded',
      '--type',
      'SeatSold',
    ]);
    expectSuccess(exit);
    const result = JSON.parse(exit.stdout) as Record<string, unknown>;
    const soldSeats = seats.filter((s) => sold.includes(s.seatId));
    const byGrade = (grade: string) => soldSeats.filter((s) => s.grade === grade);
    expect(result[concertId]).to.deep.equal({
      title: 'Replay night',
      seatsSold: soldSeats.length,
      revenue: soldSeats.reduce((sum, s) => sum + s.price, 0),
      grades: {
        VIP: { seatsSold: byGrade('VIP').length, revenue: byGrade('VIP').reduce((sum, s) => sum + s.price, 0) },
        R: { seatsSold: byGrade('R').length, revenue: byGrade('R').reduce((sum, s) => sum + s.price, 0) },
      },
    });
    expect(exit.stderr).to.match(/^replayed \d+ events\n$/);
  });

  it('When the arguments are wrong or the store is unreachable, Then the CLI exits non-zero with one line on stderr and writes nothing to stdout', async () => {
    const incomplete = join(dir, 'incomplete.mjs');
    writeFileSync(incomplete, 'export function init() { return 0; }\nexport function apply(s) { return s; }\n');
    const cases: { args: string[]; says: RegExp; env?: Record<string, string> }[] = [
      { args: ['export', '--format', 'xml'], says: /--format.*xml.*ndjson, csv/ },
      { args: ['export', '--follow', '--to-time', '2026-01-01T00:00:00Z'], says: /--follow cannot end at --to-time/ },
      { args: ['export', '--out', join(dir, 'missing-dir', 'x.ndjson')], says: /ENOENT/ },
      {
        args: ['replay', '--projection', incomplete],
        says: /must export functions init, apply and result \(missing: result\)/,
      },
      { args: ['export'], says: /ECONNREFUSED/, env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' } },
    ];
    // One of each way to fail (an option's parser, options that contradict, a bad output path,
    // a bad module, no store), five at a time: each is a Node process with its own TypeScript
    // start-up. Every option's parser is covered in process by cli-options.spec.ts.
    const exits: CliExit[] = [];
    for (let i = 0; i < cases.length; i += 5) {
      exits.push(...(await Promise.all(cases.slice(i, i + 5).map((c) => runEventsCli(c.args, c.env)))));
    }
    for (const [i, exit] of exits.entries()) {
      const what = `${cases[i]!.args.join(' ')} -> ${exit.code}: ${exit.stderr}`;
      expect(exit.code, what).to.be.a('number').and.not.equal(0);
      expect(exit.stdout, what).to.equal('');
      const lines = exit.stderr.trimEnd().split('\n');
      expect(lines, what).to.have.length(1);
      expect(lines[0], what).to.match(cases[i]!.says);
    }
  });
});
