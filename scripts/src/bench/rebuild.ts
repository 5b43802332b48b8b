/**
 * `npm run bench:rebuild`: rebuilds every projection from a large feed and measures it.
 *
 *   npm run bench:rebuild -- [--events 1000000] [--batch-size 2000] [--keep]
 *
 * 1. Generates --events events of the realistic mix (projection-workload.ts) straight into a
 *    scratch database (rebuild-events.ts: bulk inserts, not the HTTP API).
 * 2. Runs `projections rebuild --all` as a child process against it, echoes its progress
 *    output (plain lines: stderr is not a terminal), and samples the child's memory from
 *    /proc/<pid>/status (VmHWM: peak resident set).
 * Prints events/s and peak RSS against the targets (25,000 events/s, 300 MB). The scratch
 * database is dropped at the end (--keep leaves it for inspection).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { formatNumber, formatTable } from './print-table.js';
import { generateEvents } from './rebuild-events.js';
import { createScratchDatabase } from './scratch-database.js';

const TARGET_EVENTS_PER_SECOND = 25_000;
const TARGET_RSS_MB = 300;
const SAMPLE_MS = 100;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    'batch-size': { type: 'string', default: '2000' },
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
  const genStart = performance.now();
  let lastNote = 0;
  const generated = await generateEvents({
    connectionString: scratch.url,
    events: totalEvents,
    onProgress: (n) => {
      if (n - lastNote >= 100_000) {
        lastNote = n;
        console.log(`  ${formatNumber(n)} events appended`);
      }
    },
  });
  const genSeconds = (performance.now() - genStart) / 1000;
  console.log(`generated ${formatNumber(generated)} events in ${genSeconds.toFixed(1)} s\n`);

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
} finally {
  if (!args.keep) await scratch.drop();
  else console.log(`kept database ${scratch.name}`);
}

/** Runs the CLI as a child (so its RSS is its own), echoing its output, sampling VmHWM until it exits. */
async function rebuildInChild(databaseUrl: string): Promise<{ seconds: number; peakRssKb: number; code: number | null }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', 'scripts/src/projections/main.ts', 'rebuild', '--all', '--batch-size', String(batchSize)],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk: Buffer) => process.stdout.write(`  | ${chunk.toString().trimEnd().replace(/\n/g, '\n  | ')}\n`));
  child.stderr.on('data', (chunk: Buffer) => process.stdout.write(`  | ${chunk.toString().trimEnd().replace(/\n/g, '\n  | ')}\n`));
  let peakRssKb = 0;
  const sample = (): void => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      for (const field of ['VmHWM', 'VmRSS']) {
        const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
        if (match) peakRssKb = Math.max(peakRssKb, Number(match[1]));
      }
    } catch {
      // Exited between samples: the last sample stands.
    }
  };
  const timer = setInterval(sample, SAMPLE_MS);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(timer);
  return { seconds: (performance.now() - started) / 1000, peakRssKb, code };
}
