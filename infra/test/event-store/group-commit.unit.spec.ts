import { expect } from 'chai';
import { GroupCommit, type Settled } from '../../src/event-store/postgres/group-commit.js';

/** A commit function that records each batch and settles it when the test says so. */
function recordingCommit() {
  const batches: Array<{ units: string[]; settle(outcomes?: Array<Settled<string>>): void }> = [];
  const commit = (units: readonly string[]): Promise<Array<Settled<string>>> =>
    new Promise((resolve) => {
      batches.push({
        units: [...units],
        settle: (outcomes) => resolve(outcomes ?? units.map((u) => ({ ok: true, value: `${u}:done` }))),
      });
    });
  return { batches, commit };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit (unit)', () => {
  it('Given a free slot, When a unit is submitted, Then it is committed at once and alone', async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit, { maxInFlight: 1, maxStreams: 64 });
    const done = group.submit('a', ['s-a']);
    expect(batches.map((b) => b.units)).to.deep.equal([['a']]);
    batches[0]!.settle();
    expect(await done).to.equal('a:done');
  });

  it('Given every slot busy, When units arrive, Then they wait and go together in the next batch', async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit, { maxInFlight: 1, maxStreams: 64 });
    const first = group.submit('a', ['s-a']);
    const waiting = ['b', 'c', 'd'].map((u) => group.submit(u, [`s-${u}`]));
    expect(batches).to.have.length(1);
    batches[0]!.settle();
    await first;
    await tick();
    expect(batches.map((b) => b.units)).to.deep.equal([['a'], ['b', 'c', 'd']]);
    batches[1]!.settle();
    expect(await Promise.all(waiting)).to.deep.equal(['b:done', 'c:done', 'd:done']);
  });

  it('When a batch settles one unit as failed, Then only that unit rejects', async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit, { maxInFlight: 1, maxStreams: 64 });
    void group.submit('a', ['s-a']).catch(() => undefined);
    const waiting = ['b', 'c'].map((u) => group.submit(u, [`s-${u}`]).then(String, (e: Error) => e.message));
    batches[0]!.settle();
    await tick();
    batches[1]!.settle([
      { ok: false, error: new Error('b conflicts') },
      { ok: true, value: 'c:done' },
    ]);
    expect(await Promise.all(waiting)).to.deep.equal(['b conflicts', 'c:done']);
  });

  it('When the commit itself fails, Then every unit of that batch rejects with its error and the queue goes on', async () => {
    const batches: string[][] = [];
    const group = new GroupCommit<string, string>(
      async (units) => {
        batches.push([...units]);
        if (units.includes('bad')) throw new Error('connection lost');
        return units.map((u) => ({ ok: true, value: u }));
      },
      { maxInFlight: 1, maxStreams: 64 },
    );
    const outcomes = await Promise.allSettled([
      group.submit('bad', ['s-1']),
      group.submit('x', ['s-2']),
      group.submit('y', ['s-3']),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'fulfilled', 'fulfilled']);
    expect(batches).to.deep.equal([['bad'], ['x', 'y']]);
  });

  it('Given queued units that share a stream, Then a batch takes one of them and the rest keep their order for later batches', async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit, { maxInFlight: 1, maxStreams: 64 });
    void group.submit('first', ['busy']);
    const queued = [
      group.submit('hot1', ['hot']),
      group.submit('pair', ['other', 'hot']),
      group.submit('other-after-pair', ['other']),
      group.submit('free', ['free']),
    ];
    batches[0]!.settle();
    await tick();
    expect(batches[1]!.units).to.deep.equal(['hot1', 'free']);
    batches[1]!.settle();
    await tick();
    expect(batches[2]!.units).to.deep.equal(['pair']);
    batches[2]!.settle();
    await tick();
    expect(batches[3]!.units).to.deep.equal(['other-after-pair']);
    batches[3]!.settle();
    await Promise.all(queued);
  });

  it('Given a stream limit, Then a batch stops adding units at it, and a larger unit still goes alone', async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit, { maxInFlight: 1, maxStreams: 3 });
    void group.submit('first', ['z']);
    void group.submit('two', ['a', 'b']);
    void group.submit('two-more', ['c', 'd']);
    void group.submit('five', ['e', 'f', 'g', 'h', 'i']);
    for (let i = 0; i < 4; i++) {
      batches[i]!.settle();
      await tick();
    }
    expect(batches.map((b) => b.units)).to.deep.equal([['first'], ['two'], ['two-more'], ['five']]);
  });

  it('Given two slots, When units arrive while both are busy, Then no more than two batches are in flight', async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit, { maxInFlight: 2, maxStreams: 64 });
    const all = ['a', 'b', 'c', 'd'].map((u) => group.submit(u, [u]));
    expect(batches.map((b) => b.units)).to.deep.equal([['a'], ['b']]);
    batches[1]!.settle();
    await tick();
    expect(batches.map((b) => b.units)).to.deep.equal([['a'], ['b'], ['c', 'd']]);
    batches[0]!.settle();
    batches[2]!.settle();
    expect(await Promise.all(all)).to.deep.equal(['a:done', 'b:done', 'c:done', 'd:done']);
  });
});
