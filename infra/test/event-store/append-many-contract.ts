import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { EventStore, NewEvent } from '../../src/event-store/event-store.js';
import { WrongExpectedVersion } from '../../src/event-store/errors.js';
import { comparePositions } from '../../src/event-store/global-position.js';

/** A store that can append to several streams atomically (the optional `appendMany`). */
export type MultiStreamEventStore = EventStore & Required<Pick<EventStore, 'appendMany'>>;

/** The behaviour of `appendMany`, for every adapter that has it. */
export function appendManyContract(getStore: () => MultiStreamEventStore): void {
  describe('appending to several streams atomically', () => {
    const category = (): string => `many${randomUUID().replaceAll('-', '')}`;
    const event = (type: string): NewEvent => ({
      type,
      data: {},
      metadata: { correlationId: 'c', causationId: 'c', occurredAt: '2026-11-24T10:00:00.000Z', schemaVersion: 1 },
    });

    it('When three streams are written together, Then each gets its events and revisions, in one transaction', async () => {
      const c = category();
      await getStore().append(`${c}-a`, [event('A0')], 'no-stream');
      const results = await getStore().appendMany([
        { streamId: `${c}-a`, events: [event('A1'), event('A2')], expectedRevision: 0n },
        { streamId: `${c}-b`, events: [event('B0')], expectedRevision: 'no-stream' },
        { streamId: `${c}-c`, events: [event('C0')], expectedRevision: 'any' },
      ]);
      expect(results.map((r) => r.nextExpectedRevision)).to.deep.equal([2n, 0n, 0n]);
      expect(new Set(results.map((r) => r.position.commit)).size).to.equal(1);
      expect(comparePositions(results[0]!.position, results[2]!.position)).to.equal(-1);
      const read = await getStore().readStreams([`${c}-a`, `${c}-b`, `${c}-c`]);
      expect(read.get(`${c}-a`)!.map((e) => e.type)).to.deep.equal(['A0', 'A1', 'A2']);
      expect(read.get(`${c}-b`)!.map((e) => e.type)).to.deep.equal(['B0']);
    });

    it('When one stream is not at its expected revision, Then nothing is written anywhere and the error names that stream', async () => {
      const c = category();
      await getStore().append(`${c}-taken`, [event('X')], 'no-stream');
      const error = await getStore()
        .appendMany([
          { streamId: `${c}-free`, events: [event('F')], expectedRevision: 'no-stream' },
          { streamId: `${c}-taken`, events: [event('T')], expectedRevision: 'no-stream' },
        ])
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(WrongExpectedVersion);
      expect(error).to.include({ streamId: `${c}-taken`, actual: 0n, expected: 'no-stream' });
      expect((await getStore().streamInfo(`${c}-free`)).revision).to.equal('no-stream');
    });

    it('When 20 multi-stream appends run at once and every fifth includes a stream already taken, Then only those fail, writing nothing, and the others are written whole', async () => {
      const c = category();
      await getStore().append(`${c}-taken`, [event('X')], 'no-stream');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          getStore().appendMany([
            { streamId: `${c}-${i}-a`, events: [event(`A${i}`)], expectedRevision: 'no-stream' },
            i % 5 === 0
              ? { streamId: `${c}-taken`, events: [event(`T${i}`)], expectedRevision: 'no-stream' }
              : { streamId: `${c}-${i}-b`, events: [event(`B${i}`), event(`B${i}`)], expectedRevision: 'no-stream' },
          ]),
        ),
      );
      const read = await getStore().readStreams(
        Array.from({ length: 20 }, (_, i) => [`${c}-${i}-a`, `${c}-${i}-b`]).flat(),
      );
      outcomes.forEach((outcome, i) => {
        if (i % 5 === 0) {
          expect(outcome.status).to.equal('rejected');
          expect((outcome as PromiseRejectedResult).reason).to.include({ streamId: `${c}-taken`, actual: 0n });
          expect(read.get(`${c}-${i}-a`)).to.deep.equal([]);
        } else {
          expect(outcome.status).to.equal('fulfilled');
          const [a, b] = (outcome as PromiseFulfilledResult<Array<{ nextExpectedRevision: bigint }>>).value;
          expect([a!.nextExpectedRevision, b!.nextExpectedRevision]).to.deep.equal([0n, 1n]);
          expect(read.get(`${c}-${i}-a`)!.map((e) => e.type)).to.deep.equal([`A${i}`]);
          expect(read.get(`${c}-${i}-b`)!.map((e) => e.type)).to.deep.equal([`B${i}`, `B${i}`]);
        }
      });
    });

    it('When 20 writers race to take overlapping pairs of streams, Then no stream gets two first events and nobody deadlocks', async () => {
      const c = category();
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          getStore().appendMany([
            { streamId: `${c}-${i % 5}`, events: [event(`W${i}`)], expectedRevision: 'no-stream' },
            { streamId: `${c}-${(i + 1) % 5}`, events: [event(`W${i}`)], expectedRevision: 'no-stream' },
          ]),
        ),
      );
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).to.be.instanceOf(WrongExpectedVersion);
      const read = await getStore().readStreams(Array.from({ length: 5 }, (_, i) => `${c}-${i}`));
      for (const events of read.values()) expect(events.length).to.be.at.most(1);
      // Each winner wrote both of its streams.
      const winners = outcomes.filter((o) => o.status === 'fulfilled').length;
      expect([...read.values()].reduce((n, events) => n + events.length, 0)).to.equal(2 * winners);
    });
  });
}
