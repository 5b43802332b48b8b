import { Readable } from 'node:stream';
import { expect } from 'chai';
import {
  EVENT_TYPE,
  NO_STREAM,
  STREAM_NAME,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import { WrongExpectedVersion } from '../../src/event-store/errors.js';
import type { SubscriptionMessage } from '../../src/event-store/event-store.js';
import { START } from '../../src/event-store/global-position.js';
import { EsdbEventStore } from '../../src/event-store/esdb/esdb-event-store.js';
import { EsdbFeedSubscription } from '../../src/event-store/esdb/esdb-feed-subscription.js';
import {
  categoryRegex,
  eventTypeRegex,
  feedPredicate,
  isAfter,
  serverFilterFor,
  streamIdRegex,
  toEsdbExpectedRevision,
  toJsonData,
  toReadPosition,
  toRecordedEvent,
  toWrongExpectedVersion,
} from '../../src/event-store/esdb/esdb-mapping.js';
import { findEsdbServer, type EsdbServer } from '../../src/event-store/esdb/find-esdb-server.js';
import { eventStoreContract } from './event-store-contract.js';

describe('EventStoreDB event store (contract)', function () {
  let server: EsdbServer | undefined;
  let store: EsdbEventStore | undefined;

  before(async function () {
    this.timeout(180_000); // pulling the image on a first run
    const found = await findEsdbServer();
    if (found.skipped) {
      console.log(`  ! EventStoreDB leg SKIPPED: ${found.reason}`);
      this.skip();
    }
    server = found;
    store = EsdbEventStore.connect(found.connectionString);
  });

  after(async function () {
    this.timeout(60_000);
    await store?.close();
    await server?.stop();
  });

  eventStoreContract(() => {
    if (!store) throw new Error('EventStoreDB store is not connected');
    return store;
  });
});

const metadata = { correlationId: 'c-1', causationId: 'k-1', occurredAt: '2026-11-24T10:00:00.000Z', schemaVersion: 1 };

function esdbEvent(
  overrides: Partial<{ streamId: string; type: string; commit: bigint; created: Date }> = {},
): EsdbRecordedEvent & {
  position: { commit: bigint; prepare: bigint };
} {
  const commit = overrides.commit ?? 100n;
  return {
    streamId: overrides.streamId ?? 'orders-42',
    id: '6f1c2d0e-0c52-4a4e-9a59-0a4c1d2b3c4d',
    isJson: true,
    revision: 3n,
    type: overrides.type ?? 'OrderPlaced',
    created: overrides.created ?? new Date('2026-11-24T10:00:01.000Z'),
    data: { n: 1 },
    metadata,
    position: { commit, prepare: commit },
  };
}

describe('EventStoreDB mapping', () => {
  it('maps expected revisions to the client constants and keeps exact revisions', () => {
    expect(toEsdbExpectedRevision('no-stream')).to.equal('no_stream');
    expect(toEsdbExpectedRevision('exists')).to.equal('stream_exists');
    expect(toEsdbExpectedRevision('any')).to.equal('any');
    expect(toEsdbExpectedRevision(7n)).to.equal(7n);
  });

  it('maps WrongExpectedVersionError: no_stream and legacy -1 become no-stream, revisions stay bigints', () => {
    const missing = new WrongExpectedVersionError(undefined, { streamName: 's-1', expected: 0n, current: NO_STREAM });
    const mapped = toWrongExpectedVersion(missing, 's-1', 0n);
    expect(mapped).to.be.instanceOf(WrongExpectedVersion);
    expect([mapped.streamId, mapped.expected, mapped.actual]).to.deep.equal(['s-1', 0n, 'no-stream']);
    expect(toWrongExpectedVersion({ actualVersion: -1n }, 's-1', 'exists').actual).to.equal('no-stream');
    const behind = new WrongExpectedVersionError(undefined, { streamName: 's-1', expected: 'no_stream', current: 4n });
    const conflict = toWrongExpectedVersion(behind, 's-1', 'no-stream');
    expect([conflict.expected, conflict.actual]).to.deep.equal(['no-stream', 4n]);
  });

  it('reads from the client START for no position and for our START, else from the exact position', () => {
    expect(toReadPosition(undefined)).to.equal('start');
    expect(toReadPosition(START)).to.equal('start');
    expect(toReadPosition({ commit: 12n, prepare: 10n })).to.deep.equal({ commit: 12n, prepare: 10n });
  });

  it('treats positions as exclusive: only strictly later ones are after', () => {
    const at = { commit: 100n, prepare: 100n };
    expect(isAfter(at, undefined)).to.equal(true);
    expect(isAfter(at, at)).to.equal(false);
    expect(isAfter({ commit: 100n, prepare: 101n }, at)).to.equal(true);
    expect(isAfter({ commit: 99n, prepare: 200n }, at)).to.equal(false);
  });

  it('selects the feed like categoryOf: whole dashless names, never system events, both filters together', () => {
    const byCategory = feedPredicate({ categories: ['orders'] });
    expect(byCategory('orders-1', 'A')).to.equal(true);
    expect(byCategory('orders', 'A')).to.equal(true);
    expect(byCategory('ordersX-1', 'A')).to.equal(false);
    expect(byCategory('orders-1', '$metadata')).to.equal(false);
    const any = feedPredicate(undefined);
    expect(any('$stats-127.0.0.1:2113', 'StatsCollected')).to.equal(false);
    expect(any('$$orders-1', 'whatever')).to.equal(false);
    expect(any('orders-1', 'A')).to.equal(true);
    const both = feedPredicate({ categories: ['orders'], eventTypes: ['Placed'] });
    expect([both('orders-1', 'Placed'), both('orders-1', 'Other'), both('users-1', 'Placed')]).to.deep.equal([
      true,
      false,
      false,
    ]);
    expect(feedPredicate({ categories: [], eventTypes: [] })('x-1', 'A')).to.equal(true);
  });

  it('builds server-side regexes that match exact categories and exact event types', () => {
    const streams = new RegExp(categoryRegex(['orders', 'a.b']));
    expect(['orders-1', 'orders', 'a.b-1'].map((s) => streams.test(s))).to.deep.equal([true, true, true]);
    expect(['ordersX-1', 'aXb-1', 'x-orders-1'].map((s) => streams.test(s))).to.deep.equal([false, false, false]);
    const types = new RegExp(eventTypeRegex(['Placed', 'Paid']));
    expect(['Placed', 'Paid', 'PlacedV2', 'XPaid'].map((t) => types.test(t))).to.deep.equal([true, true, false, false]);
  });

  it('selects exact stream ids, together with the other filters', () => {
    const byStream = feedPredicate({ streamIds: ['orders-1', 'users-2'] });
    expect(['orders-1', 'users-2', 'orders-10', 'orders'].map((s) => byStream(s, 'A'))).to.deep.equal([
      true,
      true,
      false,
      false,
    ]);
    const withType = feedPredicate({ streamIds: ['orders-1'], eventTypes: ['Placed'] });
    expect([withType('orders-1', 'Placed'), withType('orders-1', 'Other')]).to.deep.equal([true, false]);
    const regex = new RegExp(streamIdRegex(['orders-1', 'a.b-2']));
    expect(['orders-1', 'a.b-2', 'orders-10', 'xorders-1', 'aXb-2'].map((s) => regex.test(s))).to.deep.equal([
      true,
      true,
      false,
      false,
      false,
    ]);
    const server = serverFilterFor({ streamIds: ['orders-1'], categories: ['orders'] });
    expect([server.filterOn, 'regex' in server && server.regex]).to.deep.equal([STREAM_NAME, '^(?:orders-1)$']);
  });

  it('filters subscriptions server-side by category first, else event type, else system events only', () => {
    const categories = serverFilterFor({ categories: ['orders'], eventTypes: ['Placed'] });
    expect(categories.filterOn).to.equal(STREAM_NAME);
    expect('regex' in categories && categories.regex).to.equal('^(?:orders)(?:-|$)');
    const types = serverFilterFor({ eventTypes: ['Placed'] });
    expect([types.filterOn, 'regex' in types && types.regex]).to.deep.equal([EVENT_TYPE, '^(?:Placed)$']);
    const none = serverFilterFor(undefined);
    expect([none.filterOn, 'regex' in none && none.regex]).to.deep.equal([EVENT_TYPE, '^[^$].*']);
  });

  it('maps a recorded event: category, bigint revision, position pair, parsed metadata, created date', () => {
    const recorded = toRecordedEvent(esdbEvent());
    expect(recorded).to.deep.equal({
      id: '6f1c2d0e-0c52-4a4e-9a59-0a4c1d2b3c4d',
      type: 'OrderPlaced',
      data: { n: 1 },
      metadata,
      streamId: 'orders-42',
      category: 'orders',
      revision: 3n,
      position: { commit: 100n, prepare: 100n },
      recordedAt: new Date('2026-11-24T10:00:01.000Z'),
    });
  });

  it('decodes JSON held in binary events and refuses data the client cannot send as JSON', () => {
    const binary: EsdbRecordedEvent = {
      ...esdbEvent(),
      isJson: false,
      data: new TextEncoder().encode('{"n":2}'),
      metadata: undefined,
    };
    const recorded = toRecordedEvent(binary);
    expect(recorded.data).to.deep.equal({ n: 2 });
    expect(recorded.metadata).to.deep.equal({});
    expect(() => toJsonData(5, 'Counted')).to.throw(TypeError);
    expect(toJsonData({ a: 1 }, 'A')).to.deep.equal({ a: 1 });
  });
});

describe('EventStoreDB readAll (fake client)', () => {
  /** `$all` as the client's readAll pages it: inclusive fromPosition, at most maxCount records. */
  const fakeFeed = (events: ReturnType<typeof esdbEvent>[]) => {
    let cancelled = 0;
    const client = {
      readAll(options: { fromPosition: ReadPosition; maxCount: number }) {
        const from = options.fromPosition;
        const page = events
          .filter((e) => from === 'start' || (typeof from === 'object' && e.position.commit >= from.commit))
          .slice(0, options.maxCount);
        return Object.assign(
          (async function* () {
            for (const event of page) yield { event };
          })(),
          { cancel: async () => void (cancelled += 1) },
        );
      },
      dispose: async () => undefined,
    };
    return { store: new EsdbEventStore(client as unknown as EventStoreDBClient), cancelled: () => cancelled };
  };
  const at = (minute: number): Date => new Date(Date.UTC(2026, 10, 24, 10, minute));
  const feed = Array.from({ length: 10 }, (_, i) =>
    esdbEvent({ commit: BigInt(100 + i), streamId: i % 2 === 0 ? 'orders-1' : 'users-1', created: at(i) }),
  );

  it('stops at the until position, inclusive, and cancels the read there', async () => {
    const { store, cancelled } = fakeFeed(feed);
    const read = await store.readAll({
      after: { commit: 101n, prepare: 101n },
      until: { commit: 105n, prepare: 105n },
      maxCount: 100,
    });
    expect(read.map((e) => e.position.commit)).to.deep.equal([102n, 103n, 104n, 105n]);
    expect(cancelled()).to.equal(1);
  });

  it('keeps only events recorded in [recordedFrom, recordedBefore), with the stream filter', async () => {
    const { store } = fakeFeed(feed);
    const read = await store.readAll({
      recordedFrom: at(3),
      recordedBefore: at(8),
      maxCount: 100,
      filter: { streamIds: ['orders-1'] },
    });
    expect(read.map((e) => e.position.commit)).to.deep.equal([104n, 106n]);
  });
});

/** Stands in for the client's catch-up subscription: a Readable fed by the test. */
class FakeSubscription extends Readable {
  unsubscribed = false;
  constructor(readonly fromPosition: ReadPosition | undefined) {
    super({ objectMode: true, read: () => undefined });
  }
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }
  send(commit: bigint, streamId = 'orders-1', type = 'N'): void {
    const resolved: AllStreamResolvedEvent = { event: esdbEvent({ commit, streamId, type }) };
    this.push(resolved);
  }
}

function fakeClient(): { client: Pick<EventStoreDBClient, 'subscribeToAll'>; calls: FakeSubscription[] } {
  const calls: FakeSubscription[] = [];
  const client = {
    subscribeToAll(options?: SubscribeToAllOptions): AllStreamSubscription {
      const subscription = new FakeSubscription(options?.fromPosition);
      calls.push(subscription);
      return subscription as unknown as AllStreamSubscription;
    },
  };
  return { client, calls };
}

const settings = { maxBuffered: 4, initialRetryDelayMs: 1, maxRetryDelayMs: 4 };
const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const describeMessage = (m: SubscriptionMessage): string =>
  m.kind === 'event' ? `${m.event.position.commit}` : m.kind;

async function take(iterator: AsyncIterator<SubscriptionMessage>, count: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(describeMessage(next.value));
  }
  return out;
}

describe('EventStoreDB feed subscription (fake client)', () => {
  it('skips the start position, drops system and unfiltered events, and sends caught-up after buffered events', async () => {
    const { client, calls } = fakeClient();
    const subscription = new EsdbFeedSubscription(
      client,
      { after: { commit: 10n, prepare: 10n }, filter: { categories: ['orders'] } },
      settings,
      () => undefined,
    );
    const iterator = subscription[Symbol.asyncIterator]();
    const fake = calls[0]!;
    expect(fake.fromPosition).to.deep.equal({ commit: 10n, prepare: 10n });
    fake.pause(); // caughtUp arrives while two events still wait in the client stream's buffer
    fake.send(10n);
    fake.send(11n);
    fake.send(12n, '$stats-1', '$statsCollected');
    fake.send(13n, 'users-1');
    fake.send(14n);
    fake.emit('caughtUp');
    fake.resume();
    expect(await take(iterator, 3)).to.deep.equal(['11', '14', 'caught-up']);
    await subscription.close();
  });

  it('pauses the client stream when the buffer is full and resumes it once drained', async () => {
    const { client, calls } = fakeClient();
    const subscription = new EsdbFeedSubscription(client, {}, settings, () => undefined);
    const iterator = subscription[Symbol.asyncIterator]();
    const fake = calls[0]!;
    for (let i = 1n; i <= 10n; i++) fake.send(i);
    await tick();
    expect(fake.isPaused()).to.equal(true);
    expect(await take(iterator, 10)).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(fake.isPaused()).to.equal(false);
    await subscription.close();
  });

  it('resubscribes after an error from the last received position and delivers each event once', async () => {
    const { client, calls } = fakeClient();
    const drops: number[] = [];
    const subscription = new EsdbFeedSubscription(
      client,
      {},
      { ...settings, onDrop: (_e, ms) => drops.push(ms) },
      () => undefined,
    );
    const iterator = subscription[Symbol.asyncIterator]();
    calls[0]!.send(1n);
    calls[0]!.send(2n);
    expect(await take(iterator, 2)).to.deep.equal(['1', '2']);
    calls[0]!.emit('error', new Error('connection lost'));
    await tick(20);
    expect(calls).to.have.length(2);
    expect(calls[0]!.unsubscribed).to.equal(true);
    expect(calls[1]!.fromPosition).to.deep.equal({ commit: 2n, prepare: 2n });
    calls[1]!.send(2n); // an inclusive server would repeat it
    calls[1]!.send(3n);
    calls[1]!.emit('caughtUp');
    expect(await take(iterator, 2)).to.deep.equal(['3', 'caught-up']);
    calls[1]!.push(null); // the server ending the call is a drop too
    await tick(20);
    expect(calls).to.have.length(3);
    expect(drops).to.deep.equal([1, 2]);
    await subscription.close();
  });

  it('ends the iteration and unsubscribes on close', async () => {
    const { client, calls } = fakeClient();
    let closed = false;
    const subscription = new EsdbFeedSubscription(client, {}, settings, () => (closed = true));
    const iterator = subscription[Symbol.asyncIterator]();
    const pending = iterator.next();
    await subscription.close();
    expect((await pending).done).to.equal(true);
    expect((await iterator.next()).done).to.equal(true);
    expect(calls[0]!.unsubscribed).to.equal(true);
    expect(closed).to.equal(true);
  });
});
