/**
 * `npm run bench:rebuild`: rebuilds every projection from a large feed and measures it.
 *
 *   npm run bench:rebuild -- [--events 1000000] [--batch-size 5000] [--keep]
 *
 * 1. Generates --events events of the realistic mix (projection-workload.ts) straight into a
 *    scratch database (bulk-fill-events.ts: bulk inserts, not the HTTP API).
 * 2. Runs `projections rebuild --all` as a child process against it, echoes its progress
 *    output (plain lines: stderr is not a terminal), and samples the child's memory from
 *    /proc/<pid>/status (VmHWM: peak resident set).
 * 3. Exports the same events to NDJSON through `npm run events` (export.ts), also as a child.
 * Prints events/s and peak RSS against the targets (25,000 events/s, 300 MB). The scratch
 * database is dropped at the end (--keep leaves it for inspection). BENCH_CPU_PROF_DIR=<dir>
 * writes a CPU profile of the rebuild child there (`--cpu-prof` is refused in NODE_OPTIONS).
 */
import { parseArgs } from 'node:util';
import { bulkFillEvents } from './bulk-fill-events.js';
import { runMeasuringPeakRss } from './child-peak-rss.js';
import { benchExport } from './export.js';
import { formatNumber, formatTable } from './print-table.js';
import { createScratchDatabase } from './scratch-database.js';

const TARGET_EVENTS_PER_SECOND = 25_000;
const TARGET_RSS_MB = 300;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: '5000' },
    keep: { type: 'boolean', default: false },
  },
});
const totalEvents = Number(args.events);
const batchSize = Number(args['batch-size']);
if (!Number.isInteger(totalEvents) || totalEvents < 1 || !Number.isInteger(batchSize) || batchSize < 1) {
  console.error('--events and --batch-size must be positive integers');
  process.exit(2);
}

const scratch = await createScratchDatabase('rebuild');
try {
  console.log(`generating ${formatNumber(totalEvents)} events in ${scratch.name} ...`);
  let lastNote = 0;
  const fill = await bulkFillEvents({
    databaseUrl: scratch.url,
    events: totalEvents,
    onProgress: (n) => {
      if (n - lastNote >= 100_000) {
        lastNote = n;
        console.log(`  ${formatNumber(n)} events appended`);
      }
    },
  });
  const generated = fill.events;
  console.log(`generated ${formatNumber(generated)} events in ${fill.seconds.toFixed(1)} s\n`);

  const run = await rebuildInChild(scratch.url);
  const rate = generated / run.seconds;
  console.log(`\nrebuild --all of ${formatNumber(generated)} events (batch size ${batchSize}):`);
  console.log(
    formatTable(
      ['measure', 'value', 'target'],
      [
        ['wall time (s, process start to exit)', run.seconds.toFixed(1), '-'],
        ['events/s', formatNumber(rate), `>= ${formatNumber(TARGET_EVENTS_PER_SECOND)}`],
        ['peak RSS (MB, VmHWM)', formatNumber(run.peakRssKb / 1024, 1), `< ${TARGET_RSS_MB}`],
        ['exit code', String(run.code), '0'],
      ],
    ),
  );
  if (run.code !== 0) process.exitCode = 1;

  console.log(`\nexport of the same ${formatNumber(generated)} events to NDJSON (npm run events -- export):`);
  const exported = await benchExport({ databaseUrl: scratch.url, count: generated });
  console.log(
    formatTable(
      ['measure', 'value'],
      [
        ['events exported', formatNumber(exported.events)],
        ['events/s (first read to last write)', formatNumber(exported.eventsPerSecond)],
        ['wall time (s, process start to exit)', exported.wallSeconds.toFixed(1)],
        ['peak RSS (MB, VmHWM)', formatNumber(exported.peakRssMb, 1)],
      ],
    ),
  );
} finally {
  if (!args.keep) await scratch.drop();
  else console.log(`kept database ${scratch.name}`);
}

/** Runs the CLI as a child (so its RSS is its own), echoing its progress output. */
async function rebuildInChild(
  databaseUrl: string,
): Promise<{ seconds: number; peakRssKb: number; code: number | null }> {
  return runMeasuringPeakRss(
    'scripts/src/projections/main.ts',
    ['rebuild', '--all', '--batch-size', String(batchSize)],
    { DATABASE_URL: databaseUrl },
    (text) => process.stdout.write(`  | ${text.trimEnd().replace(/\n/g, '\n  | ')}\n`),
    // As `npm run projections` runs it: without a cap V8 lets garbage grow to ~500 MB on a
    // million events, though what a rebuild keeps alive fits in well under 200 MB. A larger
    // young generation (32 MB semi-spaces, 16 by default) spends less CPU on scavenges.
    [
      '--max-old-space-size=256',
      '--max-semi-space-size=32',
      ...(process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : []),
    ],
  );
}
