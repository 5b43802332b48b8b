import type { RecordedEvent } from '@concert/infra';
import { expect } from 'chai';
import { sliceByWeight, weightOf } from '../../src/projections/batch-slices.js';

function event(id: string, data: unknown): RecordedEvent {
  return {
    id,
    type: 'Test',
    data,
    metadata: { schemaVersion: 1 } as RecordedEvent['metadata'],
    streamId: 'test-1',
    category: 'test',
    revision: 0n,
    position: { commit: 1n, prepare: BigInt(id.length) },
    recordedAt: new Date(0),
  };
}

const seats = (n: number) => Array.from({ length: n }, (_, i) => ({ seatId: `A-${i}` }));
const ids = (slices: RecordedEvent[][]) => slices.map((s) => s.map((e) => e.id));

describe('sliceByWeight: a rebuild applies a bulky feed batch in bounded slices', () => {
  it('Given an event, Then it weighs 1 plus the items of the arrays directly in its data', () => {
    expect(weightOf(event('a', { reservationId: 'r' }))).to.equal(1);
    expect(weightOf(event('a', { seatIds: ['s1', 's2'], seats: seats(3), nested: { more: [1, 2] } }))).to.equal(6);
    expect(weightOf(event('a', null))).to.equal(1);
  });

  it('Given a batch of ordinary events within the budget, When sliced, Then it stays one slice in order', () => {
    const batch = ['a', 'b', 'c', 'd'].map((id) => event(id, { seatIds: ['s'] }));
    expect(ids(sliceByWeight(batch, 8))).to.deep.equal([['a', 'b', 'c', 'd']]);
  });

  it('Given bulky events among ordinary ones, When sliced, Then every slice keeps within the budget, in feed order, none lost', () => {
    const batch = [
      event('a', {}),
      event('b', { seats: seats(5) }),
      event('c', { seats: seats(5) }),
      event('d', {}),
      event('e', {}),
    ];
    expect(ids(sliceByWeight(batch, 8))).to.deep.equal([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
  });

  it('Given an event heavier than the budget, When sliced, Then it goes alone', () => {
    const batch = [event('a', {}), event('b', { seats: seats(20) }), event('c', {})];
    expect(ids(sliceByWeight(batch, 8))).to.deep.equal([['a'], ['b'], ['c']]);
  });

  it('Given an empty batch, Then there is no slice', () => {
    expect(sliceByWeight([], 8)).to.deep.equal([]);
  });
});
