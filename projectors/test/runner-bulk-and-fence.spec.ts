import type { ProjectedEvent, Projection } from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { applyBatch } from '../src/runner/apply-batch.js';
import { readCheckpoint } from '../src/runner/checkpoint-store.js';
import { recordedCharge, recordedOther } from './support/charge-events.js';
import { chargesProjection, createChargesTable, readCharges } from './support/charges-projection.js';
import { holdRebuildFence } from './support/rebuild-fence.js';
import { openKnex } from './support/test-database.js';
import { uniqueSuffix } from './support/test-names.js';

describe('applyBatch: the bulk form of a projection, and the fence a rebuild takes', () => {
  let knex: Knex;
  let table: string;
  let name: string;

  before(() => {
    knex = openKnex();
  });
  after(async () => {
    await knex.destroy();
  });
  beforeEach(async () => {
    const suffix = uniqueSuffix();
    table = `test_bulk_${suffix}`;
    name = `test_bulk_${suffix}`;
    await createChargesTable(knex, table);
  });
  afterEach(async () => {
    await knex.schema.dropTableIfExists(table);
  });

  it('Given a projection with applyBatch, When a batch with a duplicate and a type it does not read is applied, Then applyBatch gets the new events it reads once, in order, and apply is never called', async () => {
    const perEvent = chargesProjection(name, table);
    const calls: string[][] = [];
    const projection: Projection = {
      ...perEvent,
      apply: () => Promise.reject(new Error('the per-event form must not be used')),
      async applyBatch(trx, events: readonly ProjectedEvent[]) {
        calls.push(events.map((e) => e.recorded.id));
        const keys = new Set<string>();
        for (const event of events) for (const key of (await perEvent.apply(trx, event)) ?? []) keys.add(key);
        return [...keys];
      },
    };
    const first = recordedCharge(1, 'u1');
    await applyBatch(knex, projection, [first], { streamSequences: [1] });
    const batch = [first, recordedCharge(2, 'u2'), recordedOther(3), recordedCharge(4, 'u1')];
    const result = await applyBatch(knex, projection, batch, { streamSequences: [1, 2, 3, 4] });

    expect(result.outcomes).to.deep.equal(['duplicate', 'applied', 'passed', 'applied']);
    expect(calls).to.deep.equal([[first.id], [batch[1]!.id, batch[3]!.id]]);
    expect(result.staleCacheKeys.sort()).to.deep.equal([`test:${name}:user:u1`, `test:${name}:user:u2`]);
    expect((await readCharges(knex, table)).map((r) => [r.user_id, r.charges])).to.deep.equal([
      ['u1', ['c1', 'c4']],
      ['u2', ['c2']],
    ]);
  });

  it('Given a rebuild holding the projection fence exclusively, When the live projector applies a batch, Then it waits until the fence is released and then sees the checkpoint the rebuild wrote', async () => {
    const projection = chargesProjection(name, table);
    await applyBatch(knex, projection, [recordedCharge(1, 'u1')], { streamSequences: [1] });

    // As a swap does before its commit: the checkpoint moves past events the new tables already contain.
    const releaseFence = await holdRebuildFence(knex, name, { position: 2, streamSequence: 2 });
    let finished = false;
    const live = applyBatch(knex, projection, [recordedCharge(2, 'u1'), recordedCharge(3, 'u1')], {
      streamSequences: [2, 3],
    }).then((r) => {
      finished = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(finished, 'the live batch waited for the fence').to.equal(false);
    releaseFence();
    const result = await live;
    expect(result.outcomes).to.deep.equal(['duplicate', 'applied']);
    expect(await readCheckpoint(knex, name)).to.deep.equal({
      position: { commit: 3n, prepare: 3n },
      streamSequence: 3,
    });
  });
});
