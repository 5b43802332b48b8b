import { PostgresEventStore } from '../../src/event-store/postgres/pg-event-store.js';
import { appendManyContract } from './append-many-contract.js';
import { eventStoreContract } from './event-store-contract.js';

describe('PostgreSQL event store (contract)', () => {
  let store: PostgresEventStore;
  before(() => {
    store = new PostgresEventStore({ connectionString: process.env.DATABASE_URL!, maxConnections: 20 });
  });
  after(() => store.close());

  eventStoreContract(() => store);
  appendManyContract(() => store);
});
