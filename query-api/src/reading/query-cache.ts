import {
  comparePositions,
  formatPosition,
  parsePosition,
  type GlobalPosition,
  type Logger,
  type RedisClient,
} from '@concert/infra';
import type { QueryMetrics } from '../query-metrics.js';

export type CacheName = 'concerts' | 'schedules' | 'seats';

/** A cache entry: which cache (the metrics label) and its key (cacheKeys, shared with the projectors). */
export interface CacheRef {
  name: CacheName;
  key: string;
}

export interface CacheHit {
  value: unknown;
}

/**
 * Bumped whenever the shape of a cached value changes: entries written by an older release
 * then read as misses instead of being served in the old shape until their TTL.
 */
const ENTRY_VERSION = 1;

interface StoredEntry {
  v: number;
  /** The lowest checkpoint of the entry's projections in the snapshot it was read from. */
  p: string;
  d: unknown;
}

/**
 * Cache-aside in Redis for the catalog reads. Freshness comes from the projectors, which
 * delete a key after committing an event that makes it stale; the TTL only bounds the damage
 * of the one race cache-aside has (a reader fills a key with rows read just before a
 * projector's commit and delete). Every entry records the read-model position it reflects,
 * so a read-your-writes request can tell whether the entry is recent enough for it.
 *
 * Redis is an optimisation here: any failure is counted, logged once per outage, and
 * reported as a miss (reads) or ignored (writes), so the query is answered from the database.
 */
export class QueryCache {
  private available = true;

  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds: number,
    private readonly metrics: QueryMetrics,
    private readonly logger: Logger,
  ) {}

  /** The entry, if there is one that reflects at least `atLeast` (a consistency token). */
  async get(ref: CacheRef, atLeast?: GlobalPosition): Promise<CacheHit | undefined> {
    let text: string | null;
    try {
      text = await this.redis.get(ref.key);
      this.succeeded();
    } catch (error) {
      this.failed(ref, 'read', error);
      this.metrics.cacheMisses.inc({ cache: ref.name, reason: 'unavailable' });
      return undefined;
    }
    const entry = text === null ? undefined : decode(text);
    if (entry === undefined) {
      this.metrics.cacheMisses.inc({ cache: ref.name, reason: 'absent' });
      return undefined;
    }
    if (atLeast !== undefined && comparePositions(entry.position, atLeast) < 0) {
      this.metrics.cacheMisses.inc({ cache: ref.name, reason: 'behind-token' });
      return undefined;
    }
    this.metrics.cacheHits.inc({ cache: ref.name });
    return { value: entry.value };
  }

  async set(ref: CacheRef, position: GlobalPosition, value: unknown): Promise<void> {
    const entry: StoredEntry = { v: ENTRY_VERSION, p: formatPosition(position), d: value };
    try {
      await this.redis.set(ref.key, JSON.stringify(entry), 'EX', this.ttlSeconds);
      this.succeeded();
    } catch (error) {
      this.failed(ref, 'write', error);
    }
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

function decode(text: string): { position: GlobalPosition; value: unknown } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('d' in parsed)) return undefined;
  const { v, p, d } = parsed as StoredEntry;
  const position = typeof p === 'string' ? parsePosition(p) : undefined;
  if (v !== ENTRY_VERSION || position === undefined) return undefined;
  return { position, value: d };
}
