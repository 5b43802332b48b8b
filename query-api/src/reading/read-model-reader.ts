import type { GlobalPosition } from '@concert/infra';
import type { Knex } from 'knex';
import { CatchUpWait } from '../consistency/catch-up-wait.js';
import { lowestCheckpoint, projectionsBehind, readCheckpoints, type Checkpoints } from '../consistency/checkpoints.js';
import type { ProjectionName } from '../projections.js';
import type { QueryMetrics } from '../query-metrics.js';
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
    return spec.token === undefined ? this.readEventually(spec) : this.readAtLeast(spec, spec.token);
  }

  private async readEventually<T>(spec: ReadSpec<T>): Promise<T | undefined> {
    if (spec.cache === undefined) return spec.load(this.db);
    const hit = await this.cache.get(spec.cache);
    // The entry was written by this code from a `load` of the same spec (ENTRY_VERSION guards shape changes).
    if (hit) return hit.value as T;
    const { cache } = spec;
    return this.misses.run(cache.key, async () => {
      const { value, checkpoints } = await this.snapshot(spec);
      if (value !== undefined) await this.cache.set(cache, lowestCheckpoint(checkpoints, spec.projections), value);
      return value;
    });
  }

  /**
   * Waits first, then looks at the cache: an entry reflecting at least the token is as good
   * as the database, and the common case after a command (the projector just deleted the
   * key) is a miss anyway. Older entries are skipped, never served to a token holder.
   */
  private async readAtLeast<T>(spec: ReadSpec<T>, token: GlobalPosition): Promise<T | undefined> {
    const wait = new CatchUpWait(this.db, spec.projections, token, this.consistencyWaitMs, this.metrics);
    await wait.untilCaughtUp();
    if (spec.cache !== undefined) {
      const hit = await this.cache.get(spec.cache, token);
      if (hit) return hit.value as T;
    }
    for (;;) {
      const { value, checkpoints } = await this.snapshot(spec);
      const behind = projectionsBehind(checkpoints, spec.projections, token);
      if (behind.length === 0) {
        if (spec.cache !== undefined && value !== undefined) {
          await this.cache.set(spec.cache, lowestCheckpoint(checkpoints, spec.projections), value);
        }
        return value;
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
