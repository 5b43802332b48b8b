import { expect } from 'chai';
import { createEventStore } from '../../src/event-store/create-event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/pg-event-store.js';
import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store.js';

describe('choosing the event store from configuration', () => {
  it('When EVENTSTORE=postgres, Then the PostgreSQL store on DATABASE_URL is used', async () => {
    const store = createEventStore({
      EVENTSTORE: 'postgres',
      DATABASE_URL: process.env.DATABASE_URL!,
      EVENTSTORE_URL: undefined,
    });
    try {
      expect(store).to.be.instanceOf(PostgresEventStore);
      expect((await store.streamInfo('nothing-here')).revision).to.equal('no-stream');
    } finally {
      await store.close();
    }
  });

  it('When EVENTSTORE=esdb, Then the EventStoreDB store on EVENTSTORE_URL is used', async () => {
    const store = createEventStore({
      EVENTSTORE: 'esdb',
      EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false',
      DATABASE_URL: process.env.DATABASE_URL!,
    });
    expect(store).to.be.instanceOf(EsdbEventStore);
    await store.close();
  });
});
