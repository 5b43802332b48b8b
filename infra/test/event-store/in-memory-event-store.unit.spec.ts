import { InMemoryEventStore } from '../../src/event-store/memory/in-memory-event-store.js';
import { appendManyContract } from './append-many-contract.js';
import { eventStoreContract } from './event-store-contract.js';

describe('In-memory event store (contract)', () => {
  let store: InMemoryEventStore;
  before(() => {
    store = new InMemoryEventStore();
  });
  after(() => store.close());

  eventStoreContract(() => store);
  appendManyContract(() => store);
});
