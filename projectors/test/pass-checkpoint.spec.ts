import { expect } from 'chai';
import type { Knex } from 'knex';
import { passCheckpoint, readCheckpoint, type Checkpoint } from '../src/runner/checkpoint-store.js';
import { holdRebuildFence } from './support/rebuild-fence.js';
import { openKnex } from './support/test-database.js';
import { uniqueSuffix } from './support/test-names.js';

function at(position: number, streamSequence: number): Checkpoint {
  return { position: { commit: BigInt(position), prepare: BigInt(position) }, streamSequence };
}

describe('passCheckpoint: an idle projection passes the stream end (real PostgreSQL)', () => {
  let knex: Knex;
  let name: string;

  before(() => {
    knex = openKnex();
  });
  after(async () => {
    await knex.destroy();
  });
  beforeEach(() => {
    name = `test_pass_${uniqueSuffix()}`;
  });
  afterEach(async () => {
    await knex('projection_checkpoints').where({ projection: name }).delete();
  });

  it('Given no checkpoint yet, When the projection passes the stream end, Then its checkpoint is there', async () => {
    expect(await passCheckpoint(knex, name, at(7, 3))).to.deep.equal(at(7, 3));
    expect(await readCheckpoint(knex, name)).to.deep.equal(at(7, 3));
  });

  it('Given a checkpoint, When it passes a later point, Then it moves; When it passes the same or an earlier one, Then it stays', async () => {
    await passCheckpoint(knex, name, at(10, 5));

    expect(await passCheckpoint(knex, name, at(12, 6))).to.deep.equal(at(12, 6));
    expect(await passCheckpoint(knex, name, at(12, 6)), 'the same point').to.equal(undefined);
    expect(await passCheckpoint(knex, name, at(11, 6)), 'an earlier position').to.equal(undefined);
    expect(await readCheckpoint(knex, name)).to.deep.equal(at(12, 6));
  });

  it('Given a checkpoint, When the point passed is later in the feed but has a lower stream sequence, Then it stays (another stream: the continuity check decides)', async () => {
    await passCheckpoint(knex, name, at(10, 5));

    expect(await passCheckpoint(knex, name, at(20, 4))).to.equal(undefined);
    expect(await readCheckpoint(knex, name)).to.deep.equal(at(10, 5));
  });

  it('Given a rebuild holding the fence and writing the checkpoint, When an idle pass comes meanwhile, Then it waits, and passes only what lies beyond the rebuild', async () => {
    await passCheckpoint(knex, name, at(10, 5));
    const releaseFence = await holdRebuildFence(knex, name, { position: 30, streamSequence: 9 });

    let settled = false;
    const pass = passCheckpoint(knex, name, at(20, 8)).then((moved) => {
      settled = true;
      return moved;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled, 'the pass waited for the fence').to.equal(false);
    releaseFence();

    expect(await pass).to.equal(undefined);
    expect(await readCheckpoint(knex, name)).to.deep.equal(at(30, 9));
  });
});
