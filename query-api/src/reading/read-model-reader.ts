import { START, type GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';
import { CatchUpWait } from '../consistency/catch-up-wait.js';
import { lowestCheckpoint, projectionsBehind, readCheckpoints, type Checkpoints } from '../consistency/checkpoints.js';
import type { ProjectionName } from '../projections.js';
import type { QueryMetrics } from '../query-metrics.js';
import { newEntry, type CachedEntry } from './cached-entry.js';
import type { CacheRef, QueryCache } from './query-cache.js';
import { SingleFlight } from './single-flight.js';

export interface ReadSpec<T> {
  /** The projections whose tables `load` reads. */
  projections: readonly ProjectionName[];
  /** The client's X-Consistency-Token, if it sent one. */
  token: GlobalPosition | undefined;
  /** Where the value is cached, for the cacheable reads. */
  cache?: CacheRef;
  /** Reads the value from the read database; undefined means "not found" and is never cached. */
  load(db: Knex): PromiseLike<T | undefined>;
}

/** A value as loaded, or as the cache entry holding its JSON text. */
type Found<T> = { value: T } | { entry: CachedEntry };

function valueOf<T>(value: T | undefined): Found<T> | undefined {
  return value === undefined ? undefined : { value };
}

interface Snapshot<T> {
  value: T | undefined;
  /** Where the projections were in the snapshot the value was read from. */
  checkpoints: Checkpoints;
}

/**
 * Every query goes through here: the read-your-writes wait, then the cache, then the
 * database. A value read for the cache, or for a client with a token, is read in one
 * snapshot together with the checkpoints of its projections, so we know exactly which
 * position it reflects.
 */
export class ReadModelReader {
  private readonly misses = new SingleFlight();

  constructor(
    private readonly db: Knex,
    private readonly cache: QueryCache,
    private readonly metrics: QueryMetrics,
    private readonly consistencyWaitMs: number,
  ) {}

  async read<T>(spec: ReadSpec<T>): Promise<T | undefined> {
    const found = await this.find(spec);
    if (found === undefined || 'value' in found) return found?.value;
    // The entry was written by this code from a `load` of the same spec (its version guards shape changes).
    return JSON.parse(found.entry.body.toString()) as T;
  }

  /**
   * `read` for a value that is sent as it is: its JSON text, serialised once per cache entry
   * (a hit sends the bytes Redis, or this process's copy of them, holds).
   */
  async readJson(spec: ReadSpec<unknown> & { cache: CacheRef }): Promise<CachedEntry | undefined> {
    const found = await this.find(spec);
    if (found === undefined || 'entry' in found) return found?.entry;
    return newEntry(START, JSON.stringify(found.value));
  }

  private find<T>(spec: ReadSpec<T>): Promise<Found<T> | undefined> {
    return spec.token === undefined ? this.findEventually(spec) : this.findAtLeast(spec, spec.token);
  }

  private async findEventually<T>(spec: ReadSpec<T>): Promise<Found<T> | undefined> {
    if (spec.cache === undefined) return valueOf(await spec.load(this.db));
    const hit = await this.cache.get(spec.cache);
    if (hit) return { entry: hit };
    const { cache } = spec;
    return this.misses.run(cache.key, async () => {
      const { value, checkpoints } = await this.snapshot(spec);
      if (value === undefined) return undefined;
      return {
        entry: await this.cache.set(cache, lowestCheckpoint(checkpoints, spec.projections), JSON.stringify(value)),
      };
    });
  }

  /**
   * Waits first, then looks at the cache: an entry reflecting at least the token is as good
   * as the database, and the common case after a command (the projector just deleted the
   * key) is a miss anyway. Older entries are skipped, never served to a token holder.
   */
  private async findAtLeast<T>(spec: ReadSpec<T>, token: GlobalPosition): Promise<Found<T> | undefined> {
    const wait = new CatchUpWait(this.db, spec.projections, token, this.consistencyWaitMs, this.metrics);
    await wait.untilCaughtUp();
    if (spec.cache !== undefined) {
      const hit = await this.cache.get(spec.cache, token);
      if (hit) return { entry: hit };
    }
    for (;;) {
      const { value, checkpoints } = await this.snapshot(spec);
      const behind = projectionsBehind(checkpoints, spec.projections, token);
      if (behind.length === 0) {
        if (spec.cache === undefined || value === undefined) return valueOf(value);
        const position = lowestCheckpoint(checkpoints, spec.projections);
        return { entry: await this.cache.set(spec.cache, position, JSON.stringify(value)) };
      }
      // The snapshot came from a server further behind than the one whose checkpoints we
      // polled (READ_DATABASE_URL balanced over several replicas): keep waiting, same bound.
      await wait.pause(behind);
      await wait.untilCaughtUp();
    }
  }

  /** The value and the checkpoints in one REPEATABLE READ snapshot (allowed on a hot standby). */
  private async snapshot<T>(spec: ReadSpec<T>): Promise<Snapshot<T>> {
    return this.db.transaction(
      async (trx) => {
        const value = await spec.load(trx);
        return { value, checkpoints: await readCheckpoints(trx, spec.projections) };
      },
      { isolationLevel: 'repeatable read', readOnly: true },
    );
  }
}
