/**
 * `npm run events -- <export|replay> [options]`: the event store's history for analysts.
 * Every failure ends with one line on stderr and a non-zero exit code, never a stack trace.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, createEventStore, loadConfig, type EventStore } from '@concert/infra';
import { addSelectionOptions, selectionFrom, type SelectionOptions } from './cli-options.js';
import type { ExportFormat } from './event-sinks.js';
import { exportEvents, type ExportSummary } from './export-events.js';
import { loadProjectionModule } from './projection-module.js';
import { replayEvents } from './replay-events.js';

interface ExportCommandOptions extends SelectionOptions {
  format?: ExportFormat;
  out?: string;
  follow?: boolean;
}

interface ReplayCommandOptions extends SelectionOptions {
  projection: string;
}

/**
 * Ctrl-C (or SIGTERM) ends a follow or a long export cleanly; a second one exits at once.
 * An interrupted run exits 128 + the signal's number (130 for Ctrl-C) after its clean end,
 * as `npm run` itself does when the terminal's Ctrl-C reaches it: the same code either way.
 */
const INTERRUPTED_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

function stopSignal(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODES[signal]);
      process.exitCode = INTERRUPTED_EXIT_CODES[signal];
      controller.abort();
    });
  }
  return controller.signal;
}

function openStore(): EventStore {
  return createEventStore(loadConfig(), { maxConnections: 3 });
}

async function withStore<T>(run: (store: EventStore) => Promise<T>): Promise<T> {
  const store = openStore();
  try {
    return await run(store);
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** stdout, or the file of --out (opened first, so a bad path fails before anything is read). */
async function openOutput(
  file: string | undefined,
  onBroken: () => void,
): Promise<{ out: Writable; close(): Promise<void> }> {
  if (!file) {
    // A reader that goes away (`| head`) ends the export quietly.
    process.stdout.on('error', onBroken);
    return { out: process.stdout, close: async () => undefined };
  }
  const handle = await open(file, 'w');
  const out = handle.createWriteStream();
  return {
    out,
    close: async () => {
      out.end();
      await finished(out);
    },
  };
}

async function runExport(options: ExportCommandOptions): Promise<void> {
  if (options.follow && options.toTime)
    throw new InvalidArgumentError(
      '--follow cannot end at --to-time (recording times are not in feed order); use --to-position',
    );
  const selection = selectionFrom(options);
  const format = exportFormatOf(options);
  const signal = stopSignal();
  const readerGone = new AbortController();
  const output = await openOutput(options.out, () => readerGone.abort());
  const started = performance.now();
  let summary: ExportSummary;
  try {
    summary = await withStore((store) =>
      exportEvents(store, output.out, {
        selection,
        format,
        raw: options.raw ?? false,
        follow: options.follow ?? false,
        signal: AbortSignal.any([signal, readerGone.signal]),
      }),
    );
  } catch (error) {
    // `| head` closed the pipe: what it wanted was written; end quietly, as Unix tools do.
    if (readerGone.signal.aborted) return;
    throw error;
  }
  await output.close();
  const seconds = (performance.now() - started) / 1000;
  const rate = seconds > 0 ? Math.round(summary.events / seconds) : 0;
  const resume = summary.lastPosition ? `; last position ${summary.lastPosition}` : '';
  process.stderr.write(`exported ${summary.events} events in ${seconds.toFixed(2)} s (${rate} events/s)${resume}\n`);
}

/** --format, or the extension of --out (x.csv is CSV, x.ndjson/x.jsonl NDJSON); a contradiction is refused. */
function exportFormatOf(options: ExportCommandOptions): ExportFormat {
  const extension = options.out ? extname(options.out).toLowerCase() : '';
  const implied: ExportFormat | undefined =
    extension === '.csv' ? 'csv' : ['.ndjson', '.jsonl'].includes(extension) ? 'ndjson' : undefined;
  if (options.format && implied && options.format !== implied) {
    throw new InvalidArgumentError(`--out ${options.out} names a ${implied} file but --format is ${options.format}`);
  }
  return options.format ?? implied ?? 'ndjson';
}

async function runReplay(options: ReplayCommandOptions): Promise<void> {
  const selection = selectionFrom(options);
  const projection = await loadProjectionModule(options.projection);
  const outcome = await withStore((store) =>
    replayEvents(store, projection, { selection, raw: options.raw ?? false, signal: stopSignal() }),
  );
  const json = JSON.stringify(
    outcome.result,
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
    2,
  );
  process.stdout.write(`${json ?? 'null'}\n`);
  process.stderr.write(`replayed ${outcome.events} events\n`);
}

/** One line: the message of what went wrong, never its stack. */
function reportFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0] ?? 'failed';
  process.stderr.write(error instanceof ConfigError ? `${line}\n` : `error: ${line}\n`);
  process.exitCode = 1;
}

const program = new Command('events')
  .description('Export or replay the event store history (see docs/operations.md, "Replay and export")')
  .showSuggestionAfterError();

addSelectionOptions(
  program
    .command('export')
    .description('write the selected events as NDJSON or CSV, in global feed order')
    .addOption(
      new Option('--format <format>', 'output format (default: from the --out extension, else ndjson)').choices([
        'ndjson',
        'csv',
      ]),
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--follow', 'after the stored events, keep writing live ones until Ctrl-C'),
).action(async (options: ExportCommandOptions) => {
  try {
    await runExport(options);
  } catch (error) {
    reportFailure(error);
  }
});

addSelectionOptions(
  program
    .command('replay')
    .description(
      'fold the selected events through a projection module (init/apply/result) and print its result as JSON',
    )
    .requiredOption(
      '--projection <file>',
      'a .mjs, .js or .ts module exporting init(), apply(state, event) and result(state)',
    ),
).action(async (options: ReplayCommandOptions) => {
  try {
    await runReplay(options);
  } catch (error) {
    reportFailure(error);
  }
});

await program.parseAsync(process.argv);
