import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import pg from 'pg';
import { dropDatabase } from '@concert/infra';

/** `npm run seed`: demo data through the command handlers; a second run adds nothing. */
describe('npm run seed: demo concerts, schedules and seats', function () {
  this.timeout(120_000);
  let databaseUrl: string;
  let firstRun: Report[] = [];

  interface Report {
    concertId: string;
    created: boolean;
    schedules: { scheduleId: string; seats: number; created: boolean }[];
  }

  before(() => {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `${url.pathname}_seed`;
    databaseUrl = url.toString();
  });
  after(async () => {
    await dropDatabase(databaseUrl);
  });

  function seed(rows = 3, perRow = 4): Report[] {
    const run = spawnSync(
      process.execPath,
      [
        '--conditions=development',
        '--import',
        'tsx',
        'scripts/src/seed.ts',
        '--rows',
        String(rows),
        '--per-row',
        String(perRow),
        '--json',
      ],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, EVENTSTORE: 'postgres' },
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).to.equal(0);
    return JSON.parse(run.stdout) as Report[];
  }

  async function eventCounts(): Promise<Record<string, number>> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ type: string; n: string }>(
        `SELECT event_type AS type, count(*) AS n FROM es_events GROUP BY event_type ORDER BY event_type`,
      );
      return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
    } finally {
      await client.end();
    }
  }

  it('When run on an empty event store, Then it creates concerts and schedules with their seat maps and prints their ids', async () => {
    const report = seed();
    firstRun = report;
    expect(report.length).to.be.greaterThan(0);
    expect(
      report.every((c) => c.created && c.schedules.length > 0 && c.schedules.every((s) => s.created && s.seats === 12)),
    ).to.equal(true);
    const schedules = report.flatMap((c) => c.schedules);
    expect(await eventCounts()).to.deep.equal({ ConcertCreated: report.length, ScheduleAdded: schedules.length });
  });

  it('When run again, Then it reports the same ids as existing and appends nothing', async () => {
    const before = await eventCounts();
    const again = seed();
    const ids = (r: Report[]): string[] => r.flatMap((c) => [c.concertId, ...c.schedules.map((s) => s.scheduleId)]);
    expect(ids(again)).to.deep.equal(ids(firstRun));
    expect(again.every((c) => !c.created && c.schedules.every((s) => !s.created))).to.equal(true);
    expect(await eventCounts()).to.deep.equal(before);
  });

  it('When run again with another seat-map size, Then existing schedules report the seats they were created with', async () => {
    const again = seed(5, 5);
    expect(again.flatMap((c) => c.schedules.map((s) => s.seats))).to.deep.equal(
      firstRun.flatMap((c) => c.schedules.map(() => 12)),
    );
  });
});
