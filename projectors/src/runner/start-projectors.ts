import {
  allEventsSubject,
  categorySubject,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type Logger,
  type Projection,
  type RedisClient,
  type Registry,
} from '@concert/infra';
import type { Knex } from 'knex';
import { LeaderElection } from '../leadership/leader-election.js';
import { ProjectionFeed, type FeedConsumer } from './projection-feed.js';
import { runProjector, type RunningProjector } from './run-projector.js';
import { SharedStreamTail } from './shared-stream-tail.js';

export interface StartProjectorsOptions {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  knex: Knex;
  redis?: RedisClient;
  projections: readonly Projection[];
  stream: string;
  subjectPrefix: string;
  batchSize: number;
  maxAttempts: number;
  logger: Logger;
  registry?: Registry;
  /** Redelivery of a message nobody acked (a crashed projector); default 5 s. */
  ackWaitMs?: number;
  /**
   * PostgreSQL of the projections' leader locks: with it, each projection is consumed by
   * exactly one of the processes running it (the others stand by and take over on its death).
   */
  lockConnectionString?: string;
  /** Shown as `application_name` of the lock connections. */
  instanceId?: string;
  /** How often a standby tries to take a projection's lock; default 1000 ms. */
  standbyRetryMs?: number;
}

/**
 * How soon the unacked messages of a crashed projector come back (for a consumer of the whole
 * stream, which is kept across takeovers; a filtered one is recreated at the checkpoint). The
 * client buffers at most 4 batches, applied well within this; a batch taking longer is
 * redelivered, which costs nothing: it is skipped as a duplicate.
 */
const DEFAULT_ACK_WAIT_MS = 5_000;
const DURABLE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The durable consumer of a projection, or of one of its categories when it reads several. */
export function durableName(projection: Projection, category?: string): string {
  const name = category === undefined ? `proj_${projection.name}` : `proj_${projection.name}_${category}`;
  if (!DURABLE_NAME.test(name)) throw new RangeError(`projection name "${projection.name}" cannot name a consumer`);
  return name;
}

/**
 * A projection's consumers: the whole stream without categories; one filtered consumer for one
 * category (`proj_<name>`); one per category (`proj_<name>_<category>`) for several, read as
 * one feed in stream order.
 */
export function feedConsumers(projection: Projection, subjectPrefix: string): FeedConsumer[] {
  const { categories } = projection;
  if (categories === undefined || categories.length === 0)
    return [{ durable: durableName(projection), filterSubject: allEventsSubject(subjectPrefix) }];
  if (categories.length === 1)
    return [{ durable: durableName(projection), filterSubject: categorySubject(subjectPrefix, categories[0]!) }];
  return categories.map((category) => ({
    durable: durableName(projection, category),
    filterSubject: categorySubject(subjectPrefix, category),
  }));
}

/**
 * One projector per projection, with its consumers (feedConsumers). A projection that names
 * the stream categories of its events (`Projection.categories`) gets only those categories'
 * subjects; the others see the whole stream (`<prefix>.>`): the types they do not read only
 * move their checkpoint, and their stream sequences have no gaps to check against.
 */
export async function startProjectors(options: StartProjectorsOptions): Promise<RunningProjector[]> {
  const tail = SharedStreamTail.of(options.jsm, options.stream, options.subjectPrefix);
  return options.projections.map((projection) => {
    const feed = new ProjectionFeed({
      nc: options.nc,
      js: options.js,
      jsm: options.jsm,
      stream: options.stream,
      subjectPrefix: options.subjectPrefix,
      consumers: feedConsumers(projection, options.subjectPrefix),
      wholeStream: !projection.categories?.length,
      batchSize: options.batchSize,
      ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
      tail,
    });
    const election = options.lockConnectionString
      ? new LeaderElection({
          connectionString: options.lockConnectionString,
          lockName: projectionLockName(options.stream, projection),
          instanceId: `${options.instanceId ?? 'projectors'}-${projection.name}`,
          logger: options.logger.child({ projection: projection.name }),
          ...(options.standbyRetryMs === undefined ? {} : { retryIntervalMs: options.standbyRetryMs }),
        })
      : undefined;
    return runProjector({
      feed,
      knex: options.knex,
      ...(options.redis ? { redis: options.redis } : {}),
      projection,
      batchSize: options.batchSize,
      maxAttempts: options.maxAttempts,
      logger: options.logger,
      ...(options.registry ? { registry: options.registry } : {}),
      ...(election ? { election } : {}),
    });
  });
}

/** The advisory lock whose holder consumes the projection (of this stream). */
export function projectionLockName(stream: string, projection: Pick<Projection, 'name'>): string {
  return `projection:${stream}:${projection.name}`;
}
