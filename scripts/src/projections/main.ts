/**
 * `npm run projections -- <command>`: ops for the read models.
 *
 *   rebuild <name>|--all [--dry-run [--keep]] [--batch-size N] [--restart] [--limit N] [--wait-live S] [--json]
 *   rebuild <name>|--all --discard [--json]
 *   status [--json]
 *   parked list [--projection p] [--json]
 *   parked retry <id>|--all [--projection p]
 *
 * Exit codes: 0 done (a dry run: no differences); 1 a dry run found differences, or a parked
 * retry failed; 2 an error; 130 interrupted (a rebuild's shadow tables stay: rerun to resume).
 *
 * Shadow tables are stamped with what built them (projection version, a fingerprint of its
 * event types and tables, the feed, whether a dry run): a rerun resumes them only when the
 * stamp matches exactly, else drops them and starts again (saying so on stderr); a live
 * rebuild never swaps in tables a dry run left.
 */
import { ConfigError, formatPosition, loadConfig, unreachableServices } from '@concert/infra';
import { allProjections, feedSize, listParked, retryParked } from '@concert/projectors';
import { Command, InvalidArgumentError } from 'commander';
import { formatNumber, formatTable } from '../bench/print-table.js';
import { openOpsContext, type OpsContext } from './context.js';
import { differs } from './diff-tables.js';
import { discardShadows, type DiscardedShadow } from './discard-shadows.js';
import { stderrProgress } from './progress.js';
import { rebuildProjections, type RebuildResult } from './rebuild.js';
import { projectorStatus } from './status.js';
import { workersStatus } from './workers-status.js';

const EXIT_DIFFERENT = 1;
const EXIT_ERROR = 2;
const EXIT_INTERRUPTED = 130;

function positiveInt(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

async function withContext(work: (ctx: OpsContext) => Promise<number | void>): Promise<void> {
  let ctx: OpsContext | undefined;
  try {
    // An unreachable database is one line naming the variable, never a driver's stack trace.
    const down = await unreachableServices(loadConfig(), ['PostgreSQL', 'EventStoreDB']);
    if (down.length > 0) throw new Error(down.join('\n'));
    ctx = openOpsContext();
    process.exitCode = (await work(ctx)) ?? 0;
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : `error: ${(error as Error).message}`);
    process.exitCode = EXIT_ERROR;
  } finally {
    await ctx?.close();
  }
}

const program = new Command('projections').description('Rebuild and inspect the read models').showHelpAfterError();

program
  .command('rebuild')
  .description('rebuild read models from the event store into shadow tables, then swap them in atomically')
  .argument('[name]', `a projection: ${allProjections.map((p) => p.name).join(', ')}`)
  .option('--all', 'every projection')
  .option(
    '--dry-run',
    'build and compare with the live tables, do not swap (exit 1 when they differ); drops its shadow tables after',
  )
  .option(
    '--keep',
    'with --dry-run: keep the shadow tables to inspect (a live rebuild never swaps them in; --discard drops them)',
  )
  .option(
    '--discard',
    'only drop the shadow tables (and their progress) left by an interrupted run or a dry run; prints what it dropped',
  )
  .option('--batch-size <n>', 'feed events per read and per transaction', positiveInt, 5_000)
  .option(
    '--restart',
    'drop shadow tables left by an interrupted run and start over (they are resumed only when their stamp matches)',
  )
  .option('--limit <n>', 'differing rows shown per table by a dry run', positiveInt, 10)
  .option('--wait-live <seconds>', 'a dry run waits this long for a lagging live projector', positiveInt, 30)
  .option('--json', 'print the results as JSON')
  .addHelpText(
    'after',
    `
Shadow tables (schema rebuild_<name>) are stamped with the projection's version, a fingerprint
of its event types and table definitions, the feed they are read from and whether a dry run
made them. A rerun resumes them only when that stamp matches exactly; otherwise it drops them
and starts again from the start of the feed, saying why on stderr. A live rebuild never swaps
in shadow tables a dry run left (--keep, or an interrupted dry run): it rebuilds them.`,
  )
  .action(
    async (
      name: string | undefined,
      opts: {
        all?: boolean;
        dryRun?: boolean;
        keep?: boolean;
        discard?: boolean;
        batchSize: number;
        restart?: boolean;
        limit: number;
        waitLive: number;
        json?: boolean;
      },
    ) => {
      await withContext(async (ctx) => {
        if (!!opts.all === (name !== undefined)) throw new Error('name one projection or pass --all');
        const projections = opts.all ? allProjections : allProjections.filter((p) => p.name === name);
        if (projections.length === 0) throw new Error(`unknown projection "${name}"`);
        if (opts.keep && !opts.dryRun) throw new Error('--keep goes with --dry-run');
        if (opts.discard) {
          if (opts.dryRun || opts.restart) throw new Error('--discard goes with neither --dry-run nor --restart');
          const discarded = await discardShadows(ctx.knex, projections);
          if (opts.json) console.log(JSON.stringify(discarded, jsonValue, 2));
          else printDiscarded(discarded);
          return 0;
        }
        const controller = new AbortController();
        const onSignal = (): void => {
          if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
          console.error(
            '\nstopping after the batch in hand (the shadow tables stay: rerun to resume; Ctrl-C again to quit now)',
          );
          controller.abort();
        };
        process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
        const outcome = await rebuildProjections({
          knex: ctx.knex,
          eventStore: ctx.eventStore,
          projections,
          batchSize: opts.batchSize,
          dryRun: opts.dryRun ?? false,
          restart: opts.restart ?? false,
          keep: opts.keep ?? false,
          notice: (message) => console.error(message),
          sampleLimit: opts.limit,
          liveWaitMs: opts.waitLive * 1000,
          signal: controller.signal,
          progress: stderrProgress(opts.dryRun ? 'dry run' : 'rebuild'),
          countFeed: () => feedSize(ctx.config, ctx.knex),
          invalidateCache: (prefixes) => ctx.invalidateCache(prefixes),
        });
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
        if (opts.json)
          console.log(JSON.stringify({ aborted: outcome.aborted, results: outcome.results }, jsonValue, 2));
        else printRebuild(outcome.results, opts.dryRun ?? false, outcome.aborted);
        if (outcome.aborted) return EXIT_INTERRUPTED;
        return outcome.results.some((r) => r.diffs?.some(differs)) ? EXIT_DIFFERENT : 0;
      });
    },
  );

program
  .command('status')
  .description(
    "per projector: the consuming process (leader), checkpoint, lag behind the event store, parked events; the workers' consumers, open hold deadlines and dead letters",
  )
  .option('--json', 'print as JSON')
  .action(async (opts: { json?: boolean }) => {
    await withContext(async (ctx) => {
      const rows = await projectorStatus(ctx.config, ctx.knex, ctx.eventStore, allProjections);
      const workers = await workersStatus(ctx.config, ctx.knex);
      if (opts.json) return void console.log(JSON.stringify({ projectors: rows, workers }, jsonValue, 2));
      console.log(
        formatTable(
          [
            'projector',
            'leader (others stand by)',
            'position',
            'stream seq',
            'lag events',
            'lag s',
            'parked',
            'updated',
            'rebuild at',
          ],
          rows.map((r) => [
            r.projector,
            r.leader ?? '-',
            r.position,
            String(r.streamSequence),
            `${r.lagAtLeast ? '>=' : ''}${formatNumber(r.lagEvents)}`,
            formatNumber(r.lagSeconds, 1),
            String(r.parked),
            r.updatedAt?.toISOString() ?? '-',
            r.rebuildAt ? `${r.rebuildAt}${r.rebuildByDryRun ? ' (dry run)' : ''}` : '-',
          ]),
        ),
      );
      console.log(
        `\n${formatTable(
          ['workers consumer', 'undelivered', 'unacked', 'last delivered seq'],
          workers.consumers.map((c) => [
            c.durable,
            ...(c.problem
              ? [c.problem, '-', '-']
              : [formatNumber(c.pending!), formatNumber(c.unacked!), String(c.delivered)]),
          ]),
        )}`,
      );
      const { deadlines, notifications } = workers;
      console.log(
        `\nhold deadlines open ${formatNumber(deadlines.pending)} (over a minute late ${formatNumber(deadlines.overdue)}); ` +
          `notifications pending ${formatNumber(notifications.pending)}, dead letters ${formatNumber(notifications.deadLetters)}` +
          (notifications.deadLetters > 0 ? ' (npm run notifications -- dead-letters list)' : ''),
      );
    });
  });

const parked = program.command('parked').description('events a projector gave up on after PROJECTION_MAX_ATTEMPTS');
parked
  .command('list')
  .option('--projection <name>', 'only this projection')
  .option('--json', 'print as JSON')
  .action(async (opts: { projection?: string; json?: boolean }) => {
    await withContext(async (ctx) => {
      const rows = await listParked(ctx.knex, opts.projection);
      if (opts.json) return void console.log(JSON.stringify(rows, jsonValue, 2));
      if (rows.length === 0) return void console.log('no parked events');
      console.log(
        formatTable(
          ['id', 'projection', 'event type', 'stream', 'position', 'attempts', 'parked at', 'error'],
          rows.map((r) => [
            String(r.id),
            r.projection,
            r.eventType,
            r.streamId,
            r.position,
            String(r.attempts),
            r.parkedAt.toISOString(),
            r.error,
          ]),
        ),
      );
    });
  });
parked
  .command('retry')
  .description(
    'apply parked events again through their projection; deleted from parked on success (applied out of feed order: see docs/operations.md, "Parked events")',
  )
  .argument('[id]', 'a parked event id (from `parked list`)', positiveInt)
  .option('--all', 'every parked event, oldest position first')
  .option('--projection <name>', 'with --all: only this projection')
  .action(async (id: number | undefined, opts: { all?: boolean; projection?: string }) => {
    await withContext(async (ctx) => {
      if (!!opts.all === (id !== undefined)) throw new Error('name one parked event id or pass --all');
      const ids = opts.all ? (await listParked(ctx.knex, opts.projection)).map((r) => r.id) : [id!];
      let failed = 0;
      const stale: string[] = [];
      for (const one of ids) {
        const result = await retryParked(ctx.knex, allProjections, one);
        if (result.outcome === 'applied') {
          stale.push(...result.staleCacheKeys);
          console.log(`${one} (${result.projection}): applied, removed from parked events`);
        } else {
          failed++;
          console.log(`${one} (${result.projection}): failed again, kept: ${result.error}`);
        }
      }
      if (stale.length > 0) await ctx.invalidateCache([...new Set(stale)]);
      if (ids.length === 0) console.log('no parked events');
      return failed > 0 ? EXIT_DIFFERENT : 0;
    });
  });

function printRebuild(results: readonly RebuildResult[], dryRun: boolean, aborted: boolean): void {
  if (aborted) {
    for (const r of results)
      console.log(
        `${r.projection}: interrupted, shadow tables at ${formatPosition(r.position)}; rerun to resume` +
          (dryRun ? ' (a dry run resumes them, a live rebuild starts over)' : ''),
      );
    return;
  }
  for (const r of results) {
    if (!dryRun) {
      console.log(
        `${r.projection}: swapped in at ${formatPosition(r.position)}, checkpoint stream sequence ${r.checkpoint?.streamSequence ?? 0}` +
          (r.resolvedParked ? `, ${r.resolvedParked} parked events now applied and cleared` : ''),
      );
      continue;
    }
    const diffs = r.diffs ?? [];
    const total = diffs.reduce((n, d) => n + d.missing + d.extra + d.changed, 0);
    console.log(
      `${r.projection}: compared at ${formatPosition(r.position)}: ${total === 0 ? 'identical' : `${total} rows differ`}` +
        (r.keptIn ? `; shadow tables kept in ${r.keptIn}` : ''),
    );
    for (const d of diffs.filter(differs)) {
      console.log(`  ${d.table}: ${d.missing} missing, ${d.extra} extra, ${d.changed} changed`);
      for (const s of d.samples) {
        console.log(
          `    ${s.kind} ${JSON.stringify(s.key)}\n      current: ${JSON.stringify(s.current)}\n      rebuilt: ${JSON.stringify(s.rebuilt)}`,
        );
      }
    }
  }
}

function printDiscarded(discarded: readonly DiscardedShadow[]): void {
  for (const d of discarded) {
    if (!d.schema) {
      console.log(`${d.projection}: no shadow tables`);
      continue;
    }
    const leftBy = d.dryRun === undefined ? 'unstamped' : d.dryRun ? 'left by a dry run' : 'left by a rebuild';
    console.log(
      `${d.projection}: dropped schema ${d.schema} (${leftBy}, at ${formatPosition(d.position!)}): ${d.tables!.join(', ')}`,
    );
  }
}

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

await program.parseAsync(process.argv);
