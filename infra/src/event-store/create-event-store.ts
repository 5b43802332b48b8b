import type { Config } from '../config/config.js';
import type { EventStore } from './event-store.js';
import { EsdbEventStore } from './esdb/esdb-event-store.js';
import { PostgresEventStore } from './postgres/pg-event-store.js';

/**
 * The event store named by EVENTSTORE. Both adapters are imported statically: a dynamic
 * import would give a second copy of our modules (and of WrongExpectedVersion) wherever
 * code is loaded through require(), as mocha does with tsx.
 */
export function createEventStore(
  config: Pick<Config, 'EVENTSTORE' | 'EVENTSTORE_URL' | 'DATABASE_URL'>,
  options: { maxConnections?: number } = {},
): EventStore {
  if (config.EVENTSTORE === 'esdb') {
    if (!config.EVENTSTORE_URL) throw new Error('EVENTSTORE_URL is required when EVENTSTORE=esdb');
    return EsdbEventStore.connect(config.EVENTSTORE_URL);
  }
  return new PostgresEventStore({ connectionString: config.DATABASE_URL, ...options });
}
