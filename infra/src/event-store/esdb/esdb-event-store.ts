import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
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
  type SubscribeOptions,
} from '../event-store.js';
import type { GlobalPosition } from '../global-position.js';
import {
  EsdbFeedSubscription,
  DEFAULT_SUBSCRIPTION_SETTINGS,
  type EsdbFeedSubscriptionSettings,
} from './esdb-feed-subscription.js';
import {
  feedPredicate,
  isAfter,
  toEsdbExpectedRevision,
  toJsonData,
  toReadPosition,
  toRecordedEvent,
  toWrongExpectedVersion,
} from './esdb-mapping.js';

/** Raw `$all` records fetched per round trip when the feed is filtered on this side. */
const FEED_PAGE = 512;

/** The EventStoreDB adapter (client 6.2, server >= 23.10 for caught-up notifications). */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new Set<EsdbFeedSubscription>();
  private readonly subscriptionSettings: EsdbFeedSubscriptionSettings;

  /** Takes ownership of the client: close() disposes it. Keep throwOnAppendFailure at its default (true). */
  constructor(
    private readonly client: EventStoreDBClient,
    subscriptionSettings: Partial<EsdbFeedSubscriptionSettings> = {},
  ) {
    this.subscriptionSettings = { ...DEFAULT_SUBSCRIPTION_SETTINGS, ...subscriptionSettings };
  }

  /** e.g. `esdb://localhost:2113?tls=false`. */
  static connect(
    connectionString: string,
    subscriptionSettings?: Partial<EsdbFeedSubscriptionSettings>,
  ): EsdbEventStore {
    return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), subscriptionSettings);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new TypeError(`append to ${streamId}: at least one event is required`);
    const proposed = events.map((e) =>
      jsonEvent({ id: e.id ?? randomUUID(), type: e.type, data: toJsonData(e.data, e.type), metadata: e.metadata }),
    );
    try {
      const result = await this.client.appendToStream(streamId, proposed, {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
      });
      const position = result.position ?? (await this.positionOf(streamId, result.nextExpectedRevision));
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw toWrongExpectedVersion(error, streamId, expectedRevision);
      throw error;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    const read = this.client.readStream(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision ?? (backwards ? END : START),
      ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
    });
    return (await readStreamEvents(read)).map(toRecordedEvent);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const unique = [...new Set(streamIds)];
    const read = await Promise.all(unique.map(async (id) => [id, await this.readStream(id)] as const));
    return new Map(read);
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return { streamId, category: categoryOf(streamId), revision: last ? last.revision : 'no-stream' };
  }

  /**
   * Client 6.2's readAll takes no server-side filter (it always sends NoFilter), so system
   * events, the FeedFilter and the recording-time bounds are applied here, paging on until
   * maxCount matches, the `until` position or the end.
   */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    if (options.maxCount <= 0) return out;
    const matchesFilter = feedPredicate(options.filter);
    const { recordedFrom, recordedBefore, until } = options;
    const matches = (event: { streamId: string; type: string; created: Date }): boolean =>
      matchesFilter(event.streamId, event.type) &&
      (recordedFrom === undefined || event.created >= recordedFrom) &&
      (recordedBefore === undefined || event.created < recordedBefore);
    // +1: fromPosition is inclusive, so a page starts with the event we already have.
    const pageSize = Math.max(options.maxCount + 1, FEED_PAGE);
    let cursor = options.after;
    for (;;) {
      const page = this.client.readAll({
        direction: FORWARDS,
        fromPosition: toReadPosition(cursor),
        maxCount: pageSize,
      });
      let raw = 0;
      let advanced = false;
      for await (const resolved of page) {
        raw += 1;
        const event = resolved.event;
        if (!event || !isAfter(event.position, cursor)) continue;
        if (until !== undefined && isAfter(event.position, until)) {
          await page.cancel();
          return out;
        }
        cursor = event.position;
        advanced = true;
        if (!matches(event)) continue;
        out.push(toRecordedEvent(event));
        if (out.length === options.maxCount) {
          await page.cancel();
          return out;
        }
      }
      if (raw < pageSize || !advanced) return out;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): FeedSubscription {
    const subscription: EsdbFeedSubscription = new EsdbFeedSubscription(
      this.client,
      options,
      this.subscriptionSettings,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }

  /**
   * The server omits the position when it reports none (an idempotent re-append of the same
   * event ids answers with -1 positions), so read the appended event's own position back.
   */
  private async positionOf(streamId: string, revision: bigint): Promise<GlobalPosition> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`append to ${streamId}: revision ${revision} is not readable`);
    return event.position;
  }
}

/** A missing stream is an error in the client (StreamNotFoundError) and an empty list here. */
async function readStreamEvents(read: StreamingRead<ResolvedEvent>): Promise<NonNullable<ResolvedEvent['event']>[]> {
  const events: NonNullable<ResolvedEvent['event']>[] = [];
  try {
    for await (const resolved of read) if (resolved.event) events.push(resolved.event);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events;
}
