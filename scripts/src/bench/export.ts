/**
 * `npm run bench:export`: exports 1,000,000 events to NDJSON through `npm run events`'s CLI,
 * run as a child process like an analyst would, and reports events/s and the child's peak
 * RSS. The events are a realistic mix bulk-inserted into a scratch database first.
 * `-- --events 200000` for fewer; `-- --format csv`; `-- --out file` to keep the output.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bulkFillEvents } from './bulk-fill-events.js';
import { runMeasuringPeakRss } from './child-peak-rss.js';
import { formatNumber, formatTable } from './print-table.js';
import { createScratchDatabase } from './scratch-database.js';

export interface BenchExportOptions {
  databaseUrl: string;
  /** Events to export (the first ones of the feed). */
  count: number;
  format?: 'ndjson' | 'csv';
  /** Where the export goes; /dev/null by default. */
  out?: string;
}

export interface BenchExportResult {
  events: number;
  /** From spawning the child to its exit, start-up included. */
  wallSeconds: number;
  /** The export itself, as the child measured it (first read to last write). */
  exportSeconds: number;
  eventsPerSecond: number;
  /** VmHWM of the child, sampled from /proc until it exits. */
  peakRssMb: number;
}

const CLI = fileURLToPath(new URL('../events/main.ts', import.meta.url));
const SUMMARY = /exported (\d+) events in ([\d.]+) s/;

export async function benchExport(options: BenchExportOptions): Promise<BenchExportResult> {
  const run = await runMeasuringPeakRss(
    CLI,
    [
      'export',
      '--limit',
      String(options.count),
      '--format',
      options.format ?? 'ndjson',
      '--out',
      options.out ?? '/dev/null',
    ],
    { DATABASE_URL: options.databaseUrl, EVENTSTORE: 'postgres', LOG_LEVEL: 'warn' },
  );
  const summary = SUMMARY.exec(run.stderr);
  if (run.code !== 0 || !summary) throw new Error(`the export exited with ${run.code}: ${run.stderr.trim()}`);
  const events = Number(summary[1]);
  const exportSeconds = Number(summary[2]);
  return {
    events,
    wallSeconds: run.seconds,
    exportSeconds,
    eventsPerSecond: events / exportSeconds,
    peakRssMb: run.peakRssKb / 1024,
  };
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      events: { type: 'string', default: '1000000' },
      format: { type: 'string', default: 'ndjson' },
      out: { type: 'string' },
    },
  });
  const count = Number(args.events);
  const format = args.format === 'csv' ? 'csv' : 'ndjson';
  const scratch = await createScratchDatabase('export');
  try {
    console.log(`filling ${scratch.name} with ${formatNumber(count)} events`);
    let reported = 0;
    const fill = await bulkFillEvents({
      databaseUrl: scratch.url,
      events: count,
      onProgress: (inserted) => {
        if (inserted - reported < count / 10) return;
        reported = inserted;
        console.log(`  ${formatNumber(inserted)} inserted`);
      },
    });
    console.log(
      `filled in ${formatNumber(fill.seconds, 1)} s (${formatNumber(fill.events / fill.seconds)} events/s); exporting to ${format}`,
    );
    const result = await benchExport({
      databaseUrl: scratch.url,
      count,
      format,
      ...(args.out ? { out: args.out } : {}),
    });
    console.log(
      formatTable(
        ['export', 'events', 'export s', 'events/s', 'wall s (with start-up)', 'peak RSS MB'],
        [
          [
            `${format} -> ${args.out ?? '/dev/null'}`,
            formatNumber(result.events),
            formatNumber(result.exportSeconds, 1),
            formatNumber(result.eventsPerSecond),
            formatNumber(result.wallSeconds, 1),
            formatNumber(result.peakRssMb),
          ],
        ],
      ),
    );
  } finally {
    await scratch.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`bench:export failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
