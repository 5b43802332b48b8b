import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type {
  AppendResult,
  EventStore,
  FeedFilter,
  NewEvent,
  RecordedEvent,
  SubscriptionMessage,
} from '../../src/event-store/event-store.js';
import { WrongExpectedVersion } from '../../src/event-store/errors.js';
import { comparePositions, type GlobalPosition } from '../../src/event-store/global-position.js';

/**
 * The behaviour every event store adapter must have. Each test works in a category of its
 * own, so adapters may share one server (and its global feed) between tests and runs.
 */
export function eventStoreContract(getStore: () => EventStore): void {
  const newCategory = (): string => `c${randomUUID().replaceAll('-', '')}`;
  const event = (type: string, data: unknown = {}): NewEvent => ({
    type,
    data,
    metadata: {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      userId: 'u-1',
      occurredAt: new Date('2026-11-24T10:00:00.000Z').toISOString(),
      schemaVersion: 1,
    },
  });
  /**
   * Reads the feed until `expected` have arrived (or 5 s passed).
   * A feed may hold an event back for a moment after its append returned: the PostgreSQL
   * feed does while an older transaction anywhere on the server is still open.
   */
  const readFeed = async (
    filter: FeedFilter,
    expected: number,
    options: { after?: GlobalPosition; pageSize?: number } = {},
  ): Promise<RecordedEvent[]> => {
    const pageSize = options.pageSize ?? 100;
    const all: RecordedEvent[] = [];
    let after = options.after;
    const deadline = Date.now() + 5000;
    for (;;) {
      const page = await getStore().readAll({ after, maxCount: pageSize, filter });
      all.push(...page);
      if (page.length > 0) after = page[page.length - 1]!.position;
      if (page.length === pageSize) continue;
      if (all.length >= expected || Date.now() > deadline) return all;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const readCategory = (
    category: string,
    expected: number,
    options: { after?: GlobalPosition; pageSize?: number } = {},
  ) => readFeed({ categories: [category] }, expected, options);
  const expectWrongExpectedVersion = async (
    attempt: Promise<unknown>,
    expected: WrongExpectedVersion['expected'],
    actual: WrongExpectedVersion['actual'],
  ): Promise<void> => {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WrongExpectedVersion);
    expect((error as WrongExpectedVersion).expected).to.equal(expected);
    expect((error as WrongExpectedVersion).actual).to.equal(actual);
  };

  describe('appending and reading a stream', () => {
    it('When events are appended to a new stream, Then they read back in order with ids, types, data and metadata', async () => {
      const stream = `${newCategory()}-1`;
      const events = [event('Opened', { n: 1 }), event('Renamed', { n: 2, name: 'x' }), event('Closed')];
      events[0]!.id = randomUUID();
      const result = await getStore().append(stream, events, 'no-stream');
      expect(result.nextExpectedRevision).to.equal(2n);

      const read = await getStore().readStream(stream);
      expect(read.map((e) => [e.type, e.data, e.revision])).to.deep.equal([
        ['Opened', { n: 1 }, 0n],
        ['Renamed', { n: 2, name: 'x' }, 1n],
        ['Closed', {}, 2n],
      ]);
      expect(read[0]!.id).to.equal(events[0]!.id);
      expect(new Set(read.map((e) => e.id)).size).to.equal(3);
      expect(read[1]!.metadata).to.deep.equal(events[1]!.metadata);
      expect(read.every((e) => e.streamId === stream)).to.equal(true);
      expect(read[0]!.recordedAt).to.be.instanceOf(Date);
    });

    it('When a stream id has several dashes, Then its category is the text before the first one', async () => {
      const category = newCategory();
      const stream = `${category}-a1b2-c3.d4`;
      await getStore().append(stream, [event('X')], 'no-stream');
      const [read] = await getStore().readStream(stream);
      expect(read!.category).to.equal(category);
      expect((await getStore().streamInfo(stream)).category).to.equal(category);
    });

    it('When a stream does not exist, Then it reads as no events and its info says no-stream', async () => {
      const stream = `${newCategory()}-missing`;
      expect(await getStore().readStream(stream)).to.deep.equal([]);
      expect(await getStore().readStream(stream, { direction: 'backwards' })).to.deep.equal([]);
      expect((await getStore().streamInfo(stream)).revision).to.equal('no-stream');
    });

    it('When reading forwards or backwards from a revision with a maximum count, Then exactly that window comes back', async () => {
      const stream = `${newCategory()}-1`;
      await getStore().append(
        stream,
        Array.from({ length: 10 }, (_, i) => event('N', { i })),
        'no-stream',
      );
      const revisions = (events: RecordedEvent[]): bigint[] => events.map((e) => e.revision);
      expect(revisions(await getStore().readStream(stream, { fromRevision: 3n, maxCount: 4 }))).to.deep.equal([
        3n,
        4n,
        5n,
        6n,
      ]);
      expect(revisions(await getStore().readStream(stream, { direction: 'backwards', maxCount: 3 }))).to.deep.equal([
        9n,
        8n,
        7n,
      ]);
      expect(
        revisions(await getStore().readStream(stream, { direction: 'backwards', fromRevision: 4n, maxCount: 10 })),
      ).to.deep.equal([4n, 3n, 2n, 1n, 0n]);
      expect((await getStore().streamInfo(stream)).revision).to.equal(9n);
    });

    it('When several streams are read at once, Then each comes back whole and in order, missing ones empty', async () => {
      const category = newCategory();
      await getStore().append(`${category}-a`, [event('A1'), event('A2')], 'no-stream');
      await getStore().append(`${category}-b`, [event('B1')], 'no-stream');
      const read = await getStore().readStreams([`${category}-b`, `${category}-a`, `${category}-none`]);
      expect([...read.keys()].sort()).to.deep.equal([`${category}-a`, `${category}-b`, `${category}-none`]);
      expect(read.get(`${category}-a`)!.map((e) => [e.type, e.revision])).to.deep.equal([
        ['A1', 0n],
        ['A2', 1n],
      ]);
      expect(read.get(`${category}-b`)!.map((e) => e.type)).to.deep.equal(['B1']);
      expect(read.get(`${category}-none`)).to.deep.equal([]);
    });

    it('When appending with no events, Then it is refused and nothing is written', async () => {
      const stream = `${newCategory()}-1`;
      const error = await getStore()
        .append(stream, [], 'any')
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).to.be.instanceOf(TypeError);
      expect((await getStore().streamInfo(stream)).revision).to.equal('no-stream');
    });

    it('When data holds unicode and a large payload, Then it reads back byte for byte', async () => {
      const stream = `${newCategory()}-1`;
      const unicode = {
        korean: '콘서트 예약 좌석',
        emoji: '🎫🎸👩‍👩‍👧‍👦',
        combining: 'e\u0301 n\u0303',
        rtl: 'مرحبا',
        quotes: `"'\\\n\t`,
        astral: '𝄞𐍈',
      };
      const large = {
        blob: 'x'.repeat(1024 * 1024),
        items: Array.from({ length: 2000 }, (_, i) => ({ i, label: `A-${i}` })),
      };
      await getStore().append(stream, [event('Unicode', unicode), event('Large', large)], 'no-stream');
      const [first, second] = await getStore().readStream(stream);
      expect(first!.data).to.deep.equal(unicode);
      expect(second!.data).to.deep.equal(large);
    });

    it('When 1,000 events are appended in one call, Then all are stored in order and the feed pages through them', async () => {
      const category = newCategory();
      const stream = `${category}-big`;
      const result = await getStore().append(
        stream,
        Array.from({ length: 1000 }, (_, i) => event('N', { i })),
        'no-stream',
      );
      expect(result.nextExpectedRevision).to.equal(999n);
      const read = await getStore().readStream(stream);
      expect(read.map((e) => (e.data as { i: number }).i)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
      const feed = await readCategory(category, 1000, { pageSize: 128 });
      expect(feed.map((e) => e.revision)).to.deep.equal(read.map((e) => e.revision));
    });
  });

  describe('expected revision', () => {
    it('When expecting no stream and the stream exists, Then WrongExpectedVersion carries the actual revision', async () => {
      const stream = `${newCategory()}-1`;
      await getStore().append(stream, [event('A'), event('B')], 'no-stream');
      await expectWrongExpectedVersion(getStore().append(stream, [event('C')], 'no-stream'), 'no-stream', 1n);
      expect((await getStore().readStream(stream)).length).to.equal(2);
    });

    it('When expecting the stream to exist and it does not, Then WrongExpectedVersion says no-stream and nothing is written', async () => {
      const stream = `${newCategory()}-1`;
      await expectWrongExpectedVersion(getStore().append(stream, [event('A')], 'exists'), 'exists', 'no-stream');
      expect((await getStore().streamInfo(stream)).revision).to.equal('no-stream');
    });

    it('When expecting the stream to exist and it does, Then the events are appended after its last one', async () => {
      const stream = `${newCategory()}-1`;
      await getStore().append(stream, [event('A')], 'no-stream');
      const result = await getStore().append(stream, [event('B'), event('C')], 'exists');
      expect(result.nextExpectedRevision).to.equal(2n);
    });

    it('When expecting an exact revision, Then only that revision is accepted (behind, ahead and on a missing stream fail)', async () => {
      const stream = `${newCategory()}-1`;
      await expectWrongExpectedVersion(getStore().append(stream, [event('A')], 0n), 0n, 'no-stream');
      await getStore().append(stream, [event('A'), event('B')], 'no-stream');
      await expectWrongExpectedVersion(getStore().append(stream, [event('C')], 0n), 0n, 1n);
      await expectWrongExpectedVersion(getStore().append(stream, [event('C')], 5n), 5n, 1n);
      const ok = await getStore().append(stream, [event('C')], 1n);
      expect(ok.nextExpectedRevision).to.equal(2n);
      expect((await getStore().readStream(stream)).map((e) => e.type)).to.deep.equal(['A', 'B', 'C']);
    });

    it('When expecting any revision, Then the append succeeds on a missing and on an existing stream', async () => {
      const stream = `${newCategory()}-1`;
      expect((await getStore().append(stream, [event('A')], 'any')).nextExpectedRevision).to.equal(0n);
      expect((await getStore().append(stream, [event('B')], 'any')).nextExpectedRevision).to.equal(1n);
    });

    it('When 20 writers race with the same expected revision, Then exactly one wins and the others get WrongExpectedVersion', async () => {
      const stream = `${newCategory()}-1`;
      await getStore().append(stream, [event('Created')], 'no-stream');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => getStore().append(stream, [event('Raced', { i })], 0n)),
      );
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(winners).to.have.length(1);
      expect(losers).to.have.length(19);
      for (const loser of losers) {
        expect(loser.reason).to.be.instanceOf(WrongExpectedVersion);
        expect((loser.reason as WrongExpectedVersion).actual).to.equal(1n);
      }
      expect((await getStore().readStream(stream)).map((e) => e.type)).to.deep.equal(['Created', 'Raced']);
    });

    it('When 20 writers race to create the same stream, Then exactly one creates it', async () => {
      const stream = `${newCategory()}-1`;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => getStore().append(stream, [event('Created', { i })], 'no-stream')),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).to.be.instanceOf(WrongExpectedVersion);
      expect(await getStore().readStream(stream)).to.have.length(1);
    });

    it('When 40 appends to distinct streams run at once and every fourth expects a wrong revision, Then only those fail and each other one is written', async () => {
      const category = newCategory();
      const streams = Array.from({ length: 40 }, (_, i) => `${category}-${i}`);
      await Promise.all(streams.map((stream) => getStore().append(stream, [event('Created')], 'no-stream')));
      const outcomes = await Promise.allSettled(
        streams.map((stream, i) => getStore().append(stream, [event('Next', { i })], i % 4 === 0 ? 5n : 0n)),
      );
      outcomes.forEach((outcome, i) => {
        if (i % 4 === 0) {
          expect(outcome.status).to.equal('rejected');
          expect((outcome as PromiseRejectedResult).reason).to.be.instanceOf(WrongExpectedVersion);
          expect((outcome as PromiseRejectedResult).reason).to.include({
            streamId: streams[i],
            actual: 0n,
            expected: 5n,
          });
        } else {
          expect(outcome.status).to.equal('fulfilled');
          expect((outcome as PromiseFulfilledResult<AppendResult>).value.nextExpectedRevision).to.equal(1n);
        }
      });
      const read = await getStore().readStreams(streams);
      streams.forEach((stream, i) =>
        expect(read.get(stream)!.map((e) => e.type)).to.deep.equal(i % 4 === 0 ? ['Created'] : ['Created', 'Next']),
      );
      const feed = await readCategory(category, 70);
      expect(feed).to.have.length(70);
    });

    it('When 30 writers append to one stream with any, Then revisions are contiguous and the feed agrees with stream order', async () => {
      const category = newCategory();
      const stream = `${category}-hot`;
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => getStore().append(stream, [event('N', { i }), event('M', { i })], 'any')),
      );
      const read = await getStore().readStream(stream);
      expect(read.map((e) => e.revision)).to.deep.equal(Array.from({ length: 60 }, (_, i) => BigInt(i)));
      const feed = await readCategory(category, 60);
      expect(feed.map((e) => e.revision)).to.deep.equal(read.map((e) => e.revision));
    });
  });

  describe('global feed', () => {
    it('When events are appended to several streams, Then the feed has them in append order with increasing positions', async () => {
      const category = newCategory();
      const a = await getStore().append(`${category}-a`, [event('A1'), event('A2')], 'no-stream');
      await getStore().append(`${category}-b`, [event('B1')], 'no-stream');
      const last = await getStore().append(`${category}-a`, [event('A3')], 1n);
      const feed = await readCategory(category, 4);
      expect(feed.map((e) => e.type)).to.deep.equal(['A1', 'A2', 'B1', 'A3']);
      for (let i = 1; i < feed.length; i++)
        expect(comparePositions(feed[i - 1]!.position, feed[i]!.position)).to.equal(-1);
      expect(comparePositions(feed[1]!.position, a.position)).to.equal(0);
      expect(comparePositions(feed[3]!.position, last.position)).to.equal(0);
    });

    it('When reading after a position, Then only later events come back, each page continuing where the last ended', async () => {
      const category = newCategory();
      for (let i = 0; i < 7; i++) await getStore().append(`${category}-${i % 3}`, [event('N', { i })], 'any');
      const everything = await readCategory(category, 7);
      const paged = await readCategory(category, 7, { pageSize: 2 });
      expect(paged.map((e) => e.id)).to.deep.equal(everything.map((e) => e.id));
      const tail = await readCategory(category, 3, { after: everything[3]!.position });
      expect(tail.map((e) => (e.data as { i: number }).i)).to.deep.equal([4, 5, 6]);
    });

    it('When filtering by event type, and by category and type together, Then only matching events come back', async () => {
      const category = newCategory();
      const other = newCategory();
      await getStore().append(
        `${category}-1`,
        [event('Wanted', { i: 1 }), event('Other'), event('Wanted', { i: 2 })],
        'no-stream',
      );
      await getStore().append(`${other}-1`, [event('Wanted', { i: 3 })], 'no-stream');
      const byBoth = await readFeed({ categories: [category], eventTypes: ['Wanted'] }, 2);
      expect(byBoth.map((e) => (e.data as { i: number }).i)).to.deep.equal([1, 2]);
      const byTwoCategories = await readFeed({ categories: [category, other] }, 4);
      expect(byTwoCategories.map((e) => e.type)).to.deep.equal(['Wanted', 'Other', 'Wanted', 'Wanted']);
    });

    it('When filtering by stream ids, alone and with an event type, Then only those streams come back, in feed order', async () => {
      const category = newCategory();
      await getStore().append(`${category}-1`, [event('A', { i: 1 })], 'no-stream');
      await getStore().append(`${category}-2`, [event('A', { i: 2 })], 'no-stream');
      await getStore().append(`${category}-10`, [event('A', { i: 3 })], 'no-stream');
      await getStore().append(`${category}-1`, [event('B', { i: 4 })], 0n);
      const byStreams = await readFeed({ streamIds: [`${category}-1`, `${category}-10`] }, 3);
      expect(byStreams.map((e) => (e.data as { i: number }).i)).to.deep.equal([1, 3, 4]);
      const withType = await readFeed({ streamIds: [`${category}-1`], eventTypes: ['B'] }, 1);
      expect(withType.map((e) => (e.data as { i: number }).i)).to.deep.equal([4]);
    });

    it('When reading up to a position, Then the read ends with that event, inclusive', async () => {
      const category = newCategory();
      for (let i = 0; i < 5; i++) await getStore().append(`${category}-${i}`, [event('N', { i })], 'no-stream');
      const everything = await readCategory(category, 5);
      const window = await getStore().readAll({
        after: everything[0]!.position,
        until: everything[3]!.position,
        maxCount: 100,
        filter: { categories: [category] },
      });
      expect(window.map((e) => (e.data as { i: number }).i)).to.deep.equal([1, 2, 3]);
    });

    it('When reading a recording-time range, Then only events recorded at or after its start and before its end come back', async () => {
      const category = newCategory();
      for (let i = 0; i < 3; i++) {
        await getStore().append(`${category}-${i}`, [event('N', { i })], 'no-stream');
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      const [first, second, third] = await readCategory(category, 3);
      expect(second!.recordedAt.getTime()).to.be.greaterThan(first!.recordedAt.getTime());
      const range = await getStore().readAll({
        recordedFrom: second!.recordedAt,
        recordedBefore: third!.recordedAt,
        maxCount: 100,
        filter: { categories: [category] },
      });
      expect(range.map((e) => (e.data as { i: number }).i)).to.deep.equal([1]);
    });

    it('When 16 writers append concurrently while a reader pages the feed, Then the reader sees every event exactly once, in order', async () => {
      const category = newCategory();
      const writers = 16;
      const appendsPerWriter = 25;
      let writing = true;
      const seen: RecordedEvent[] = [];
      const reader = (async () => {
        let after: GlobalPosition | undefined;
        for (;;) {
          const done = !writing;
          const page = await getStore().readAll({ after, maxCount: 7, filter: { categories: [category] } });
          seen.push(...page);
          if (page.length > 0) after = page[page.length - 1]!.position;
          else if (done) return;
        }
      })();
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < appendsPerWriter; i++) {
            const size = 1 + ((w + i) % 3);
            await getStore().append(
              `${category}-${w}`,
              Array.from({ length: size }, () => event('N', { w, i })),
              'any',
            );
          }
        }),
      );
      writing = false;
      await reader;
      const stored = (
        await Promise.all(Array.from({ length: writers }, (_, w) => getStore().readStream(`${category}-${w}`)))
      ).flat();
      expect(seen.length).to.equal(stored.length);
      expect(new Set(seen.map((e) => e.id))).to.deep.equal(new Set(stored.map((e) => e.id)));
      for (let i = 1; i < seen.length; i++)
        expect(comparePositions(seen[i - 1]!.position, seen[i]!.position)).to.equal(-1);
    });
  });

  describe('subscription to the global feed', () => {
    const take = async (
      iterator: AsyncIterator<SubscriptionMessage>,
      count: number,
    ): Promise<SubscriptionMessage[]> => {
      const messages: SubscriptionMessage[] = [];
      while (messages.length < count) {
        const next = await iterator.next();
        if (next.done) break;
        messages.push(next.value);
      }
      return messages;
    };
    const takeEvents = async (
      iterator: AsyncIterator<SubscriptionMessage>,
      count: number,
    ): Promise<RecordedEvent[]> => {
      const events: RecordedEvent[] = [];
      while (events.length < count) {
        const next = await iterator.next();
        if (next.done) break;
        if (next.value.kind === 'event') events.push(next.value.event);
      }
      return events;
    };
    const describeMessage = (m: SubscriptionMessage): string =>
      m.kind === 'event' ? `${m.event.type}:${(m.event.data as { i: number }).i}` : m.kind;

    it('When subscribing, Then past events arrive, then caught-up, then live events as they are appended', async () => {
      const category = newCategory();
      await getStore().append(`${category}-1`, [event('N', { i: 1 }), event('N', { i: 2 })], 'no-stream');
      const subscription = getStore().subscribeToAll({ filter: { categories: [category] } });
      const iterator = subscription[Symbol.asyncIterator]();
      try {
        expect((await take(iterator, 3)).map(describeMessage)).to.deep.equal(['N:1', 'N:2', 'caught-up']);
        await getStore().append(`${category}-2`, [event('N', { i: 3 })], 'no-stream');
        await getStore().append(`${category}-1`, [event('N', { i: 4 })], 1n);
        expect((await take(iterator, 2)).map(describeMessage)).to.deep.equal(['N:3', 'N:4']);
      } finally {
        await subscription.close();
      }
      expect((await iterator.next()).done).to.equal(true);
    });

    it('When subscribing after a position, Then delivery starts with the next event', async () => {
      const category = newCategory();
      await getStore().append(`${category}-1`, [event('N', { i: 1 })], 'no-stream');
      const second = await getStore().append(`${category}-1`, [event('N', { i: 2 })], 0n);
      await getStore().append(`${category}-1`, [event('N', { i: 3 })], 1n);
      const subscription = getStore().subscribeToAll({ after: second.position, filter: { categories: [category] } });
      const iterator = subscription[Symbol.asyncIterator]();
      try {
        expect((await take(iterator, 2)).map(describeMessage)).to.deep.equal(['N:3', 'caught-up']);
      } finally {
        await subscription.close();
      }
    });

    it('When 8 writers append while a subscriber is live, Then it receives every event exactly once, in feed order', async () => {
      const category = newCategory();
      const subscription = getStore().subscribeToAll({ filter: { categories: [category] } });
      const iterator = subscription[Symbol.asyncIterator]();
      try {
        expect((await take(iterator, 1)).map(describeMessage)).to.deep.equal(['caught-up']);
        await Promise.all(
          Array.from({ length: 8 }, async (_, w) => {
            for (let i = 0; i < 20; i++) await getStore().append(`${category}-${w}`, [event('N', { i })], 'any');
          }),
        );
        const received = await takeEvents(iterator, 160);
        const stored = await readCategory(category, 160);
        expect(received.map((e) => e.id)).to.deep.equal(stored.map((e) => e.id));
        expect(received).to.have.length(160);
      } finally {
        await subscription.close();
      }
    });
  });
}
