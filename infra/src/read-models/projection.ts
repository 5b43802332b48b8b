import type { DomainEvent, DomainEventType } from '@concert/domain';
import type { Knex } from 'knex';
import type { RecordedEvent } from '../event-store/event-store.js';

/** A recorded event with its data parsed (and upcast) by the domain registry. */
export interface ProjectedEvent {
  recorded: RecordedEvent;
  event: DomainEvent;
}

/**
 * A read model built from the feed. `apply` runs inside the transaction that also moves the
 * projection's checkpoint, so each event changes the model exactly once. It must be
 * deterministic (use the event's own times, never the clock) so that a rebuild from the
 * event store produces the same rows.
 *
 * Table names are written unqualified: a rebuild resolves them to its shadow tables through
 * the transaction's `search_path`, so the same code builds both.
 */
export interface Projection {
  readonly name: string;
  /**
   * The version of its code: raise it whenever the same events would now leave different rows
   * (a changed \`apply\`, a new handled type...). A rebuild stamps its shadow tables with it and
   * starts again from scratch rather than resume tables an older version built.
   */
  readonly version: number;
  /** The event types it reads; others advance its checkpoint without being applied. */
  readonly handles: readonly DomainEventType[];
  /**
   * The stream categories of the event types it handles (`['wallet']`): it then receives only
   * those categories' subjects instead of the whole feed, one consumer per category read in
   * stream order. Absent: the whole feed.
   */
  readonly categories?: readonly string[];
  /** The tables it alone writes (rebuilds and comparisons use them). */
  readonly tables: readonly string[];
  /**
   * Prefixes of the query-cache keys (cache-keys.ts) served from its tables: a rebuild that
   * swaps the tables deletes every key under them. Absent: the query API caches none of it.
   */
  readonly cachePrefixes?: readonly string[];
  /** Returns the query-cache keys the event made stale (deleted after the commit), if any. */
  apply(trx: Knex.Transaction, event: ProjectedEvent): Promise<readonly string[] | void>;
  /**
   * Optional bulk form of `apply` for a run of events in feed order (only types it handles):
   * must leave exactly the rows that applying them one by one would, with a few statements per
   * table instead of some per event. The runner and the rebuild use it when present.
   */
  applyBatch?(trx: Knex.Transaction, events: readonly ProjectedEvent[]): Promise<readonly string[] | void>;
}
