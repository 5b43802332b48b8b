import { expect } from 'chai';
import { CounterHistory, ratePerSecond, type CounterReading } from '../../src/console/counter-history.js';

describe('Given readings of counters over time', () => {
  const reading = (at: number, holds: number): CounterReading => ({
    at,
    totals: new Map([['holds', holds]]),
    histograms: new Map(),
  });

  it('When a rate is asked, Then it is taken against a reading at least a second old, and a counter that went down counts from zero', () => {
    const history = new CounterHistory();
    expect(history.record(reading(0, 10))).to.equal(undefined);
    const now = reading(2000, 30);
    const base = history.record(now);
    expect(ratePerSecond(now, base, 'holds')).to.equal(10);
    const restarted = reading(4000, 4);
    expect(ratePerSecond(restarted, history.record(restarted), 'holds')).to.equal(1);
    expect(ratePerSecond(now, undefined, 'holds')).to.equal(undefined);
  });
});
