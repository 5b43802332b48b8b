import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { EventStore, PostgresEventStore } from '@concert/infra';
import { ScheduleCatalog } from '../../src/command-loop/schedule-catalog.js';
import { givenSchedule, openTestStore, TestClock } from './command-fixture.js';

/** The store, counting stream reads and failing them while `failing` is set. */
function watched(store: EventStore): { store: EventStore; reads: () => number; failing: { on: boolean } } {
  let reads = 0;
  const failing = { on: false };
  return {
    store: {
      ...store,
      readStream: (streamId, options) => {
        reads += 1;
        return failing.on ? Promise.reject(new Error('store down')) : store.readStream(streamId, options);
      },
    },
    reads: () => reads,
    failing,
  };
}

describe('the schedule catalog of the command side', () => {
  let store: PostgresEventStore;
  before(() => {
    store = openTestStore();
  });
  after(() => store.close());

  it('Given a schedule, When 50 holds ask for it at once, Then its stream is read once and every one gets it', async () => {
    const { scheduleId } = await givenSchedule(store, new TestClock(), 3);
    const counted = watched(store);
    const catalog = new ScheduleCatalog(counted.store);
    const states = await Promise.all(Array.from({ length: 50 }, () => catalog.schedule(scheduleId)));
    expect(counted.reads()).to.equal(1);
    expect(new Set(states).size).to.equal(1);
    expect(states[0]!.status).not.to.equal('Empty');
    await catalog.schedule(scheduleId);
    expect(counted.reads()).to.equal(1);
  });

  it('Given an unknown schedule, When it is asked for twice, Then it is read twice (a schedule added meanwhile is found)', async () => {
    const counted = watched(store);
    const catalog = new ScheduleCatalog(counted.store);
    const unknown = randomUUID();
    expect((await catalog.schedule(unknown)).status).to.equal('Empty');
    expect((await catalog.schedule(unknown)).status).to.equal('Empty');
    expect(counted.reads()).to.equal(2);
  });

  it('Given a read that failed, When the schedule is asked for again, Then it is read again', async () => {
    const { scheduleId } = await givenSchedule(store, new TestClock(), 2);
    const counted = watched(store);
    const catalog = new ScheduleCatalog(counted.store);
    counted.failing.on = true;
    const failures = await Promise.allSettled([catalog.schedule(scheduleId), catalog.schedule(scheduleId)]);
    expect(failures.map((f) => f.status)).to.deep.equal(['rejected', 'rejected']);
    counted.failing.on = false;
    expect((await catalog.schedule(scheduleId)).status).not.to.equal('Empty');
    expect(counted.reads()).to.equal(2);
  });
});
