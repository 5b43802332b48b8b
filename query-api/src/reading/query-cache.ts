import { comparePositions, type GlobalPosition, type Logger, type RedisClient } from '@concert/infra';
import type { QueryMetrics } from '../query-metrics.js';
import { MAX_HEADER_BYTES, decodeEntry, encodeEntry, headerOf, newEntry, type CachedEntry } from './cached-entry.js';
import { EntryMemo } from './entry-memo.js';

export type CacheName = 'concerts' | 'schedules' | 'seats';

/** A cache entry: which cache (the metrics label) and its key (cacheKeys, shared with the projectors). */
export interface CacheRef {
  name: CacheName;
  key: string;
}

/** Memory for the entries each process keeps (EntryMemo): a few hundred seat maps. */
const DEFAULT_MEMO_BYTES = 64 * 1024 * 1024;

/**
 * Cache-aside in Redis for the catalog reads. Freshness comes from the projectors, which
 * delete a key after committing an event that makes it stale; the TTL only bounds the damage
 * of the one race cache-aside has (a reader fills a key with rows read just before a
 * projector's commit and delete). Every entry records the read-model position it reflects,
 * so a read-your-writes request can tell whether the entry is recent enough for it. Entries
 * hold the value's JSON text as it is sent (cached-entry.ts), so a hit is never re-serialised.
 *
 * The entries this process saw last are kept in memory too (EntryMemo): while Redis still holds
 * the same entry, a hit reads only its header line.
 *
 * Redis is an optimisation here: any failure is counted, logged once per outage, and
 * reported as a miss (reads) or ignored (writes), so the query is answered from the database.
 */
export class QueryCache {
  private available = true;
  private readonly memo: EntryMemo;

  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds: number,
    private readonly metrics: QueryMetrics,
    private readonly logger: Logger,
    memoBytes = DEFAULT_MEMO_BYTES,
  ) {
    this.memo = new EntryMemo(memoBytes);
  }

  /** The entry, if there is one that reflects at least `atLeast` (a consistency token). */
  async get(ref: CacheRef, atLeast?: GlobalPosition): Promise<CachedEntry | undefined> {
    let entry: CachedEntry | undefined;
    try {
      entry = await this.fetch(ref.key);
      this.succeeded();
    } catch (error) {
      this.failed(ref, 'read', error);
      this.metrics.cacheMisses.inc({ cache: ref.name, reason: 'unavailable' });
      return undefined;
    }
    if (entry === undefined) {
      this.metrics.cacheMisses.inc({ cache: ref.name, reason: 'absent' });
      return undefined;
    }
    if (atLeast !== undefined && comparePositions(entry.position, atLeast) < 0) {
      this.metrics.cacheMisses.inc({ cache: ref.name, reason: 'behind-token' });
      return undefined;
    }
    this.metrics.cacheHits.inc({ cache: ref.name });
    return entry;
  }

  /** Stores `json` (a value's JSON text) as read at `position`; the entry is returned even when Redis is down. */
  async set(ref: CacheRef, position: GlobalPosition, json: string): Promise<CachedEntry> {
    const entry = newEntry(position, json);
    try {
      await this.redis.set(ref.key, encodeEntry(entry), 'EX', this.ttlSeconds);
      this.memo.set(ref.key, entry);
      this.succeeded();
    } catch (error) {
      this.failed(ref, 'write', error);
    }
    return entry;
  }

  /** The memo's copy while Redis holds the same entry (a header read), else the whole entry from Redis. */
  private async fetch(key: string): Promise<CachedEntry | undefined> {
    const known = this.memo.get(key);
    if (known !== undefined) {
      const head = headerOf(await this.redis.getrangeBuffer(key, 0, MAX_HEADER_BYTES));
      if (head?.header === known.header) return known;
      this.memo.delete(key);
      if (head === undefined) return undefined;
    }
    const stored = await this.redis.getBuffer(key);
    const entry = stored === null ? undefined : decodeEntry(stored);
    if (entry !== undefined) this.memo.set(key, entry);
    return entry;
  }

  private succeeded(): void {
    if (this.available) return;
    this.available = true;
    this.metrics.cacheAvailable.set(1);
    this.logger.info('Redis query cache is back');
  }

  private failed(ref: CacheRef, operation: 'read' | 'write', error: unknown): void {
    this.metrics.cacheFailures.inc({ cache: ref.name, operation });
    if (!this.available) return;
    // Once per outage: every query of an outage would otherwise log the same line.
    this.available = false;
    this.metrics.cacheAvailable.set(0);
    this.logger.warn(
      { err: error, cache: ref.name, operation },
      'Redis query cache unavailable, answering from the database',
    );
  }
}
