import { encodeEvent, type Projection } from '@concert/infra';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { applyBatch } from '../src/runner/apply-batch.js';
import { readCheckpoint } from '../src/runner/checkpoint-store.js';
import { parkEvent } from '../src/runner/park-event.js';
import { UndecodedEvent } from '../src/runner/undecoded-event.js';
import { recordedCharge, recordedOther } from './support/charge-events.js';
import { chargesProjection, createChargesTable, readCharges } from './support/charges-projection.js';
import { openKnex } from './support/test-database.js';
import { uniqueSuffix } from './support/test-names.js';

describe('applyBatch: one transaction per batch with the checkpoint (real PostgreSQL)', () => {
  let knex: Knex;
  let table: string;
  let projection: Projection;

  before(() => {
    knex = openKnex();
  });
  after(async () => {
    await knex.destroy();
  });
  beforeEach(async () => {
    const suffix = uniqueSuffix();
    table = `test_charges_${suffix}`;
    projection = chargesProjection(`test_apply_${suffix}`, table);
    await createChargesTable(knex, table);
  });
  afterEach(async () => {
    await knex.schema.dropTableIfExists(table);
  });

  it('When a batch is applied, Then the model and the checkpoint (position and sequence) move together, created at START', async () => {
    expect(await readCheckpoint(knex, projection.name)).to.equal(undefined);
    const result = await applyBatch(
      knex,
      projection,
      [recordedCharge(1, 'u1'), recordedOther(2), recordedCharge(3, 'u1')],
      {
        streamSequences: [1, 2, 3],
      },
    );
    expect(result.outcomes).to.deep.equal(['applied', 'passed', 'applied']);
    expect(result.staleCacheKeys).to.deep.equal([`test:${projection.name}:user:u1`]);
    const rows = await readCharges(knex, table);
    expect(rows).to.deep.equal([{ user_id: 'u1', total: '200', applied: 2, charges: ['c1', 'c3'] }]);
    expect(await readCheckpoint(knex, projection.name)).to.deep.equal({
      position: { commit: 3n, prepare: 3n },
      streamSequence: 3,
    });
  });

  it('When the same events come again, Then they are skipped as duplicates and the model changes once', async () => {
    const events = [recordedCharge(1, 'u1'), recordedCharge(2, 'u1')];
    await applyBatch(knex, projection, events, { streamSequences: [1, 2] });
    const again = await applyBatch(knex, projection, [...events, recordedCharge(3, 'u1')], {
      streamSequences: [1, 2, 3],
    });
    expect(again.outcomes).to.deep.equal(['duplicate', 'duplicate', 'applied']);
    expect((await readCharges(knex, table))[0])
      .to.include({ applied: 3 })
      .and.to.have.property('charges')
      .deep.equal(['c1', 'c2', 'c3']);
  });

  it('When one event of a batch throws, Then nothing of the batch is applied and the checkpoint does not move', async () => {
    await applyBatch(knex, projection, [recordedCharge(1, 'u1')], { streamSequences: [1] });
    let failure: unknown;
    try {
      await applyBatch(
        knex,
        projection,
        [recordedCharge(2, 'u1'), recordedCharge(3, 'u1', 'poison-3'), recordedCharge(4, 'u1')],
        {
          streamSequences: [2, 3, 4],
        },
      );
    } catch (error) {
      failure = error;
    }
    expect(failure).to.be.instanceOf(Error);
    expect((await readCharges(knex, table))[0]?.charges).to.deep.equal(['c1']);
    expect(await readCheckpoint(knex, projection.name)).to.deep.equal({
      position: { commit: 1n, prepare: 1n },
      streamSequence: 1,
    });
  });

  it('Given messages of a type the projection does not read left undecoded, When the batch is applied after a known sequence, Then only the last one is decoded, for the checkpoint position', async () => {
    await applyBatch(knex, projection, [recordedCharge(1, 'u1')], { streamSequences: [1] });
    // Not even JSON: decoding it would fail the batch.
    const unreadable = new UndecodedEvent('SalesOpened', new TextEncoder().encode('not an event'));
    const last = new UndecodedEvent('SalesOpened', encodeEvent(recordedOther(4)));
    const result = await applyBatch(knex, projection, [unreadable, recordedCharge(3, 'u1'), last], {
      streamSequences: [2, 3, 4],
    });
    expect(result.outcomes).to.deep.equal(['passed', 'applied', 'passed']);
    expect((await readCharges(knex, table))[0]?.charges).to.deep.equal(['c1', 'c3']);
    expect(await readCheckpoint(knex, projection.name)).to.deep.equal({
      position: { commit: 4n, prepare: 4n },
      streamSequence: 4,
    });
    const again = await applyBatch(knex, projection, [unreadable], { streamSequences: [2] });
    expect(again.outcomes).to.deep.equal(['duplicate']);
  });

  it('Given an undecoded message after a gap, When the batch is applied, Then it is decoded and deferred like any event out of order', async () => {
    await applyBatch(knex, projection, [recordedCharge(1, 'u1')], { streamSequences: [1] });
    const afterGap = new UndecodedEvent('SalesOpened', encodeEvent(recordedOther(3)));
    const result = await applyBatch(knex, projection, [afterGap, recordedCharge(4, 'u1')], { streamSequences: [3, 4] });
    expect(result.outcomes).to.deep.equal(['deferred', 'deferred']);
    expect((await readCheckpoint(knex, projection.name))?.streamSequence).to.equal(1);
  });

  it('When a stream sequence is missing, Then the events after the gap are deferred, not applied, until the gap is filled', async () => {
    await applyBatch(knex, projection, [recordedCharge(1, 'u1')], { streamSequences: [1] });
    const gap = await applyBatch(knex, projection, [recordedCharge(3, 'u1'), recordedCharge(4, 'u1')], {
      streamSequences: [3, 4],
    });
    expect(gap.outcomes).to.deep.equal(['deferred', 'deferred']);
    expect((await readCharges(knex, table))[0]?.charges).to.deep.equal(['c1']);
    const filled = await applyBatch(
      knex,
      projection,
      [recordedCharge(2, 'u1'), recordedCharge(3, 'u1'), recordedCharge(4, 'u1')],
      {
        streamSequences: [2, 3, 4],
      },
    );
    expect(filled.outcomes).to.deep.equal(['applied', 'applied', 'applied']);
    expect((await readCharges(knex, table))[0]?.charges).to.deep.equal(['c1', 'c2', 'c3', 'c4']);
  });

  it('When an event is parked, Then it is recorded with its error and the checkpoint moves past it in the same transaction', async () => {
    await applyBatch(knex, projection, [recordedCharge(1, 'u1')], { streamSequences: [1] });
    const poison = recordedCharge(2, 'u1', 'poison-2');
    const parked = await parkEvent(knex, projection, poison, {
      error: new Error('boom'),
      attempts: 3,
      streamSequence: 2,
    });
    expect(parked.outcome).to.equal('parked');
    const rows = await knex('parked_events').where({ projection: projection.name });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({
      event_id: poison.id,
      event_type: 'WalletCharged',
      stream_id: 'wallet-u1',
      attempts: 3,
    });
    expect(rows[0].error).to.match(/boom/);
    expect(rows[0].event).to.deep.include({ id: poison.id, position: { commit: '2', prepare: '2' } });
    expect(await readCheckpoint(knex, projection.name)).to.deep.equal({
      position: { commit: 2n, prepare: 2n },
      streamSequence: 2,
    });
    // Behind the checkpoint now: parking it again is a no-op.
    expect(
      (await parkEvent(knex, projection, poison, { error: 'x', attempts: 4, streamSequence: 2 })).outcome,
    ).to.equal('duplicate');
  });
});
