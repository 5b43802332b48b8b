import { parseEvent } from '@concert/domain';
import {
  comparePositions,
  createShadowTables,
  dropSchema,
  formatPosition,
  lockProjectionExclusive,
  schemaExists,
  shadowSchemaOf,
  swapInShadowTables,
  useSchema,
  type EventStore,
  type GlobalPosition,
  type ProjectedEvent,
  type Projection,
  type RecordedEvent,
} from '@concert/infra';
import {
  applyEvents,
  handledTypes,
  lockCheckpoint,
  readCheckpoint,
  writeCheckpoint,
  type Checkpoint,
} from '@concert/projectors';
import type { Knex } from 'knex';
import { setTimeout as sleep } from 'node:timers/promises';
import { sliceByWeight } from './batch-slices.js';
import { diffTable, type TableDiff } from './diff-tables.js';
import { feedBatches } from './feed-batches.js';
import { countEventsBetween, feedBatchesUpTo } from './feed-upto.js';
import { silentProgress, type Progress } from './progress.js';
import { lockRebuilds } from './rebuild-lock.js';
import { currentStamp, fingerprintOf, restartReason } from './shadow-stamp.js';
import {
  createShadowState,
  markShadowDryRun,
  readShadowStamp,
  readShadowState,
  writeShadowState,
  type ShadowState,
} from './shadow-state.js';

export interface RebuildOptions {
  knex: Knex;
  eventStore: EventStore;
  projections: readonly Projection[];
  /** Feed events per read and per shadow transaction. */
  batchSize: number;
  /** Build and compare with the live tables, never swap. */
  dryRun?: boolean;
  /** Throw away shadow tables left by an interrupted run instead of resuming them. */
  restart?: boolean;
  /** A dry run keeps its shadow tables (to inspect); otherwise it drops them once compared. */
  keep?: boolean;
  /** Told why shadow tables that were left are not resumed (the CLI prints it on stderr). */
  notice?: (message: string) => void;
  /** Differing rows listed per table by a dry run. */
  sampleLimit?: number;
  /** A dry run compares at the live checkpoint: how long to wait for a live projector that is behind the shadow. */
  liveWaitMs?: number;
  /** Stops after the batch in hand commits; the shadow tables stay for a rerun to resume. */
  signal?: AbortSignal;
  progress?: Progress;
  /** Estimated events in the feed, for the ETA. */
  countFeed?: () => Promise<number | undefined>;
  /** Deletes the query-cache entries under these prefixes (after a swap). */
  invalidateCache?: (prefixes: readonly string[]) => Promise<void>;
  /** Runs after each shadow batch commits (tests interrupt a rebuild with it). */
  afterBatch?: (eventsRead: number) => void;
}

export interface RebuildResult {
  projection: string;
  /** Where the rebuilt tables are (the feed position of their last event). */
  position: GlobalPosition;
  /** Set after a swap: the live checkpoint the projector resumes from. */
  checkpoint?: Checkpoint;
  /** Set by a dry run. */
  diffs?: TableDiff[];
  /** Parked events of the projection the rebuilt tables now contain (deleted at the swap). */
  resolvedParked?: number;
  /** Why shadow tables that were left were dropped and built again from the start of the feed. */
  restarted?: string;
  /** The schema a dry run kept its shadow tables in (`keep`). */
  keptIn?: string;
}

export interface RebuildOutcome {
  aborted: boolean;
  results: RebuildResult[];
}

export class LiveProjectionBehindError extends Error {
  override readonly name = 'LiveProjectionBehindError';
}

interface Shadow {
  projection: Projection;
  schema: string;
  handled: ReadonlySet<string>;
  state: ShadowState;
  restarted?: string;
}

const SWAP_ATTEMPTS = 5;
/** A swap waits this long for readers of the live tables before it gives up and tries again. */
const SWAP_LOCK_TIMEOUT = '5s';
const LIVE_POLL_MS = 250;
const LOCK_NOT_AVAILABLE = '55P03';
/**
 * A feed batch is applied in slices of at most this weight per event of --batch-size (an event
 * weighs 1 plus its data's array items, batch-slices.ts): ordinary batches stay whole, the seat
 * maps at the start of a feed (200,000 seats in the first 5,000 events of bench:rebuild) go in
 * several transactions, so the rows a projection holds at once stay bounded.
 */
const SLICE_WEIGHT_PER_EVENT = 2;

/**
 * Rebuilds read models from the event store's feed into shadow tables (schema
 * `rebuild_<name>`, same definitions), one pass over the feed for all of them, then per
 * projection either compares them with the live tables (dry run) or, fenced against its live
 * projector, catches up the last events, swaps the tables in and moves its checkpoint, all in
 * one transaction: readers see the old tables until the commit and the new ones after it.
 */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildOutcome> {
  const { knex } = options;
  const progress = options.progress ?? silentProgress;
  const release = await lockRebuilds(knex, options.projections);
  try {
    const shadows: Shadow[] = [];
    for (const projection of options.projections) shadows.push(await openShadow(options, projection));

    const aborted = await buildShadows(options, shadows, progress);
    if (aborted)
      return {
        aborted,
        results: shadows.map((s) => ({
          projection: s.projection.name,
          position: s.state.position,
          ...(s.restarted ? { restarted: s.restarted } : {}),
        })),
      };

    const results: RebuildResult[] = [];
    for (const shadow of shadows) {
      const result = options.dryRun ? await compareWithLive(options, shadow) : await swapIn(options, shadow);
      if (options.dryRun) {
        if (options.keep) result.keptIn = shadow.schema;
        else await dropSchema(knex, shadow.schema);
      }
      results.push(shadow.restarted ? { ...result, restarted: shadow.restarted } : result);
    }
    if (!options.dryRun) {
      const prefixes = shadows.flatMap((s) => s.projection.cachePrefixes ?? []);
      if (prefixes.length > 0) await options.invalidateCache?.(prefixes);
    }
    return { aborted: false, results };
  } finally {
    await release();
  }
}

/**
 * The projection's shadow tables: those left by an earlier run when their stamp matches this
 * run exactly (a dry run resuming a live run's tables marks them as a dry run's), else new
 * empty ones; tables that do not match are dropped, and `notice` says why.
 */
async function openShadow(options: RebuildOptions, projection: Projection): Promise<Shadow> {
  const { knex } = options;
  const dryRun = options.dryRun ?? false;
  const schema = shadowSchemaOf(projection.name);
  const stamp = await currentStamp(knex, options.eventStore, projection, dryRun);
  let restarted: string | undefined;
  if (options.restart) await dropSchema(knex, schema);
  else if (await schemaExists(knex, schema)) {
    const found = await readShadowStamp(knex, schema);
    restarted = restartReason(found, stamp, await fingerprintOf(knex, projection, schema));
    if (restarted) {
      options.notice?.(
        `${projection.name}: dropped the shadow tables in ${schema} and starting again from the start of the feed: ${restarted}`,
      );
      await dropSchema(knex, schema);
    } else if (dryRun && !found!.dryRun) await markShadowDryRun(knex, schema);
  }
  if (!(await schemaExists(knex, schema))) {
    await createShadowTables(knex, schema, projection.tables, (trx) => createShadowState(trx, schema, stamp));
  }
  return {
    projection,
    schema,
    handled: handledTypes(projection),
    state: await readShadowState(knex, schema),
    ...(restarted ? { restarted } : {}),
  };
}

/** Reads the feed once from the furthest-behind shadow; each shadow takes the events after its own position. */
async function buildShadows(options: RebuildOptions, shadows: Shadow[], progress: Progress): Promise<boolean> {
  if (shadows.length === 0) return false;
  const from = shadows.map((s) => s.state).reduce((a, b) => (comparePositions(a.position, b.position) <= 0 ? a : b));
  let read = from.events;
  progress.start(await options.countFeed?.(), read);
  try {
    for await (const batch of feedBatches(options.eventStore, from.position, options.batchSize)) {
      for (const slice of sliceByWeight(batch, options.batchSize * SLICE_WEIGHT_PER_EVENT)) {
        const parse = parser();
        // Each shadow in its own transaction with its own position, all at once: the database
        // works on several tables in parallel while this process parses the next batch.
        await Promise.all(
          shadows.map(async (shadow) => {
            shadow.state = await options.knex.transaction(async (trx) => {
              // No fsync wait per shadow batch: a crash loses at most the last batches, together
              // with the shadow position written in the same transaction; a rerun reads them again.
              await trx.raw('SET LOCAL synchronous_commit = off');
              return applyToShadow(trx, shadow, shadow.state, slice, parse);
            });
          }),
        );
      }
      read += batch.length;
      progress.update(read);
      options.afterBatch?.(read);
      if (options.signal?.aborted) return true;
    }
  } finally {
    progress.stop();
  }
  return false;
}

/** Applies the events of `batch` after `from` to the shadow; records its new position in the same transaction. */
async function applyToShadow(
  trx: Knex.Transaction,
  shadow: Shadow,
  from: ShadowState,
  batch: readonly RecordedEvent[],
  parse: (e: RecordedEvent) => ProjectedEvent,
): Promise<ShadowState> {
  const fresh = batch.filter((e) => comparePositions(e.position, from.position) > 0);
  if (fresh.length === 0) return from;
  await useSchema(trx, shadow.schema);
  await applyEvents(trx, shadow.projection, fresh.filter((e) => shadow.handled.has(e.type)).map(parse));
  const next: ShadowState = { position: fresh.at(-1)!.position, events: from.events + fresh.length };
  await writeShadowState(trx, shadow.schema, next);
  return next;
}

/** Parses each event at most once per batch, however many projections read it. */
function parser(): (e: RecordedEvent) => ProjectedEvent {
  const parsed = new Map<RecordedEvent, ProjectedEvent>();
  return (recorded) => {
    let projected = parsed.get(recorded);
    if (!projected) {
      projected = { recorded, event: parseEvent(recorded.type, recorded.metadata.schemaVersion, recorded.data) };
      parsed.set(recorded, projected);
    }
    return projected;
  };
}

/** Applies the rest of the feed (up to `upTo`, else to its end) to the shadow inside `trx`; returns its state then. */
async function catchUp(
  trx: Knex.Transaction,
  options: RebuildOptions,
  shadow: Shadow,
  upTo?: GlobalPosition,
): Promise<ShadowState> {
  const batches = upTo
    ? feedBatchesUpTo(options.eventStore, shadow.state.position, upTo, options.batchSize)
    : feedBatches(options.eventStore, shadow.state.position, options.batchSize);
  let state = shadow.state;
  for await (const batch of batches) state = await applyToShadow(trx, shadow, state, batch, parser());
  return state;
}

/**
 * The swap, in one transaction holding the projection's fence exclusively: the live projector
 * waits (its batch in hand finishes first), the last events are applied to the shadow, the
 * tables are exchanged, and the checkpoint moves to the shadow's position with the JetStream
 * sequence of that same event, so the projector resumes right after it (see `sequenceAt`).
 */
async function swapIn(options: RebuildOptions, shadow: Shadow): Promise<RebuildResult> {
  const { projection, schema } = shadow;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await options.knex.transaction(async (trx) => {
        await trx.raw(`SET LOCAL lock_timeout = '${SWAP_LOCK_TIMEOUT}'`);
        await lockProjectionExclusive(trx, projection.name);
        const live = await lockCheckpoint(trx, projection.name);
        const state = await catchUp(trx, options, shadow);
        if (comparePositions(live.position, state.position) > 0) {
          throw new Error(
            `${projection.name}: the live checkpoint ${formatPosition(live.position)} is ahead of the end of the feed ${formatPosition(state.position)}`,
          );
        }
        const checkpoint: Checkpoint = {
          position: state.position,
          streamSequence: await sequenceAt(options, live, state.position),
        };
        await trx.raw('SET LOCAL search_path TO DEFAULT');
        await swapInShadowTables(trx, schema, projection.tables);
        await dropSchema(trx, schema);
        await writeCheckpoint(trx, projection.name, checkpoint);
        const resolved = await trx('parked_events')
          .where({ projection: projection.name })
          .andWhereRaw('(commit_position, prepare_position) <= (?::numeric, ?::numeric)', [
            state.position.commit.toString(),
            state.position.prepare.toString(),
          ])
          .delete();
        return { state, checkpoint, resolved };
      });
      shadow.state = result.state;
      return {
        projection: projection.name,
        position: result.state.position,
        checkpoint: result.checkpoint,
        resolvedParked: result.resolved,
      };
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE || attempt >= SWAP_ATTEMPTS) throw error;
      await sleep(LIVE_POLL_MS * attempt);
    }
  }
}

/**
 * The JetStream sequence of the event at `position`. The relay publishes every feed event
 * once, in feed order, so sequences count feed events: the live checkpoint's sequence plus
 * the events between its position and `position`. Its next message (sequence + 1) is then the
 * first event the rebuilt tables lack: anything delivered at or below is a duplicate. A live
 * checkpoint without a sequence (never run, or reset) stays without one: the projector then
 * takes its first message after `position` as it comes, and skipping duplicates re-aligns it.
 */
async function sequenceAt(options: RebuildOptions, live: Checkpoint, position: GlobalPosition): Promise<number> {
  if (live.streamSequence === 0) return 0;
  return (
    live.streamSequence +
    (await countEventsBetween(options.eventStore, live.position, position, Math.max(options.batchSize, 10_000)))
  );
}

/**
 * A dry run compares at the live checkpoint, with the live projector paused (the fence held
 * exclusively) so neither side moves: the shadow is caught up to exactly that position. A
 * shadow already past it (the live projector lags) waits for the live one to catch up.
 */
async function compareWithLive(options: RebuildOptions, shadow: Shadow): Promise<RebuildResult> {
  const { projection, schema } = shadow;
  const deadline = Date.now() + (options.liveWaitMs ?? 30_000);
  for (;;) {
    type Outcome = { behind: GlobalPosition } | { state: ShadowState; diffs: TableDiff[] };
    const outcome = await options.knex.transaction(async (trx): Promise<Outcome> => {
      await lockProjectionExclusive(trx, projection.name);
      const live = (await readCheckpoint(trx, projection.name))?.position ?? { commit: 0n, prepare: 0n };
      if (comparePositions(shadow.state.position, live) > 0) return { behind: live };
      const state = await catchUp(trx, options, shadow, live);
      await trx.raw('SET LOCAL search_path TO DEFAULT');
      const diffs: TableDiff[] = [];
      for (const table of projection.tables) diffs.push(await diffTable(trx, schema, table, options.sampleLimit ?? 10));
      return { state, diffs };
    });
    if ('diffs' in outcome) {
      shadow.state = outcome.state;
      return { projection: projection.name, position: outcome.state.position, diffs: outcome.diffs };
    }
    if (Date.now() > deadline) {
      throw new LiveProjectionBehindError(
        `${projection.name}: the live checkpoint ${formatPosition(outcome.behind)} is behind the rebuilt tables at ${formatPosition(shadow.state.position)}; is its projector running?`,
      );
    }
    await sleep(LIVE_POLL_MS);
  }
}
