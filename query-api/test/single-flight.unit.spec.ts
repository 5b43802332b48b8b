import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { SingleFlight } from '../src/reading/single-flight.js';

describe('query API: concurrent cache misses share one database read', () => {
  it('When many requests miss the same key at once, Then the load runs once and all get its value', async () => {
    const flight = new SingleFlight();
    let loads = 0;
    const load = async (): Promise<string> => {
      loads++;
      await sleep(20);
      return 'seat map';
    };
    const values = await Promise.all(Array.from({ length: 20 }, () => flight.run('seats:s-1', load)));
    expect(loads).to.equal(1);
    expect(new Set(values)).to.deep.equal(new Set(['seat map']));
  });

  it('When the load has finished, Then the next miss loads again (nothing is kept)', async () => {
    const flight = new SingleFlight();
    let loads = 0;
    await flight.run('k', async () => ++loads);
    await flight.run('k', async () => ++loads);
    expect(loads).to.equal(2);
  });

  it('When the load fails, Then every waiter sees the failure and the key is free again', async () => {
    const flight = new SingleFlight();
    const failing = async (): Promise<never> => {
      await sleep(5);
      throw new Error('database down');
    };
    const results = await Promise.allSettled([flight.run('k', failing), flight.run('k', failing)]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    expect(await flight.run('k', async () => 'ok')).to.equal('ok');
  });
});
