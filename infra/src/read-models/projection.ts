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
 */
export interface Projection {
  readonly name: string;
  /** The event types it reads; others advance its checkpoint without being applied. */
  readonly handles: readonly DomainEventType[];
  /** The tables it alone writes (rebuilds and comparisons use them). */
  readonly tables: readonly string[];
  /** Returns the query-cache keys the event made stale (deleted after the commit), if any. */
  apply(trx: Knex.Transaction, event: ProjectedEvent): Promise<readonly string[] | void>;
}
