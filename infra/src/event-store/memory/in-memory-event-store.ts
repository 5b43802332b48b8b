import { randomUUID } from 'node:crypto';
import {
  categoryOf,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type FeedSubscription,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamInfo,
  type StreamWrite,
  type SubscribeOptions,
} from '../event-store.js';
import { DuplicateEventId, WrongExpectedVersion } from '../errors.js';
import { comparePositions, START } from '../global-position.js';
import { matchesFeedFilter } from './feed-filter.js';
import { MemoryFeedSubscription } from './memory-feed-subscription.js';

/**
 * An event store held in this process's memory, with the PostgreSQL store's behaviour
 * (the same contract suite runs against both): for handler specifications, the unit test
 * tier and tools. It keeps nothing across restarts, so it is never a production choice.
 *
 * Each append is one synchronous step, so it is atomic, and a position is
 * (append number, event number): positions increase in append order and the events of one
 * append share their `commit`, as those of one PostgreSQL transaction do.
 * Data and metadata go through JSON on the way in, as they do in PostgreSQL's jsonb, and
 * reads hand out copies, so no caller can change what is stored.
 */
export class InMemoryEventStore implements EventStore {
  private readonly feed: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly eventIds = new Set<string>();
  private readonly subscriptions = new Set<MemoryFeedSubscription>();
  private commits = 0n;
  private closed = false;

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new TypeError(`append to ${streamId}: at least one event is required`);
    const [result] = this.commit([{ streamId, events, expectedRevision }]);
    return result!;
  }

  async appendMany(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    if (writes.length === 0) return [];
    if (writes.some((w) => w.events.length === 0))
      throw new TypeError('appendMany: every stream needs at least one event');
    if (new Set(writes.map((w) => w.streamId)).size !== writes.length)
      throw new TypeError('appendMany: a stream may appear once');
    return this.commit(writes);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const stream = this.streams.get(streamId) ?? [];
    const backwards = options.direction === 'backwards';
    const ordered = backwards ? [...stream].reverse() : stream;
    const from = options.fromRevision;
    const window =
      from === undefined ? ordered : ordered.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
    return window.slice(0, options.maxCount ?? window.length).map(copyOf);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    this.assertOpen();
    return new Map(streamIds.map((id) => [id, (this.streams.get(id) ?? []).map(copyOf)]));
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    this.assertOpen();
    return { streamId, category: categoryOf(streamId), revision: this.revisionOf(streamId) };
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const page: RecordedEvent[] = [];
    for (
      let i = this.firstIndexAfter(options.after ?? START);
      i < this.feed.length && page.length < options.maxCount;
      i++
    ) {
      const event = this.feed[i]!;
      if (options.until && comparePositions(event.position, options.until) > 0) break;
      if (options.recordedFrom && event.recordedAt < options.recordedFrom) continue;
      if (options.recordedBefore && event.recordedAt >= options.recordedBefore) continue;
      if (matchesFeedFilter(event, options.filter)) page.push(copyOf(event));
    }
    return page;
  }

  subscribeToAll(options: SubscribeOptions = {}): FeedSubscription {
    this.assertOpen();
    const subscription = new MemoryFeedSubscription(
      (after, maxCount) => this.readAll({ after, maxCount, filter: options.filter }),
      options.after ?? START,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  /** Checks every write, then records them all in one step: all or none. */
  private commit(writes: readonly StreamWrite[]): AppendResult[] {
    this.assertOpen();
    for (const { streamId, expectedRevision } of writes) {
      const actual = this.revisionOf(streamId);
      if (!accepts(expectedRevision, actual)) throw new WrongExpectedVersion(streamId, expectedRevision, actual);
    }
    const ids = new Set<string>();
    const prepared = writes.map((w) => ({ ...w, events: w.events.map((e) => ({ ...e, id: e.id ?? randomUUID() })) }));
    for (const { streamId, events } of prepared) {
      for (const { id } of events) {
        if (this.eventIds.has(id) || ids.has(id)) throw new DuplicateEventId(streamId, `event_id ${id} already exists`);
        ids.add(id);
      }
    }
    const commit = ++this.commits;
    const recordedAt = new Date();
    const results = prepared.map(({ streamId, events }) => {
      const stream = this.streams.get(streamId) ?? [];
      this.streams.set(streamId, stream);
      for (const e of events) {
        const recorded: RecordedEvent = {
          id: e.id,
          type: e.type,
          data: throughJson(e.data),
          metadata: throughJson(e.metadata),
          streamId,
          category: categoryOf(streamId),
          revision: BigInt(stream.length),
          position: { commit, prepare: BigInt(this.feed.length + 1) },
          recordedAt,
        };
        stream.push(recorded);
        this.feed.push(recorded);
        this.eventIds.add(e.id);
      }
      const last = stream.at(-1)!;
      return { nextExpectedRevision: last.revision, position: last.position };
    });
    for (const subscription of this.subscriptions) subscription.wake();
    return results;
  }

  private revisionOf(streamId: string): bigint | 'no-stream' {
    const length = this.streams.get(streamId)?.length ?? 0;
    return length === 0 ? 'no-stream' : BigInt(length - 1);
  }

  /** Index of the first event strictly after `after` (the feed is sorted by position). */
  private firstIndexAfter(after: RecordedEvent['position']): number {
    let low = 0;
    let high = this.feed.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (comparePositions(this.feed[middle]!.position, after) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-memory event store is closed');
  }
}

function accepts(expected: ExpectedRevision, actual: bigint | 'no-stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no-stream') return actual === 'no-stream';
  if (expected === 'exists') return actual !== 'no-stream';
  return actual === expected;
}

function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function copyOf(event: RecordedEvent): RecordedEvent {
  return {
    ...event,
    data: structuredClone(event.data),
    metadata: structuredClone(event.metadata),
    position: { ...event.position },
    recordedAt: new Date(event.recordedAt),
  };
}
