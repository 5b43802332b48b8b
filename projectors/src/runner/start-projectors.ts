import {
  allEventsSubject,
  ensureDurableConsumer,
  type JetStreamClient,
  type JetStreamManager,
  type Logger,
  type Projection,
  type RedisClient,
  type Registry,
} from '@concert/infra';
import type { Knex } from 'knex';
import { runProjector, type RunningProjector } from './run-projector.js';

export interface StartProjectorsOptions {
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
}

/**
 * Short on purpose: a message delivered to a pull request the client had already given up
 * on (seen in bench:projections, a run of a dozen messages at a time) is only redelivered
 * after ack_wait, and the projector holds back everything after it until then. A batch
 * taking longer than this is redelivered too, which costs nothing: it is skipped as a duplicate.
 */
const DEFAULT_ACK_WAIT_MS = 5_000;
const DURABLE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The durable consumer of a projection. */
export function durableName(projection: Projection): string {
  const name = `proj_${projection.name}`;
  if (!DURABLE_NAME.test(name)) throw new RangeError(`projection name "${projection.name}" cannot name a consumer`);
  return name;
}

/**
 * One durable pull consumer and one projector per projection. Each consumer sees every event
 * (`<prefix>.>`), not just the types its projection reads, so that it can check that no stream
 * sequence is missing; the types it does not read only move its checkpoint.
 */
export async function startProjectors(options: StartProjectorsOptions): Promise<RunningProjector[]> {
  const running: RunningProjector[] = [];
  for (const projection of options.projections) {
    const durable = durableName(projection);
    await ensureDurableConsumer(options.jsm, {
      stream: options.stream,
      durable,
      filterSubject: allEventsSubject(options.subjectPrefix),
      // Enough for a batch in hand and the next ones arriving; bounds memory and redelivery work.
      maxAckPending: options.batchSize * 4,
      ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
    });
    running.push(
      runProjector({
        consumer: await options.js.consumers.get(options.stream, durable),
        knex: options.knex,
        ...(options.redis ? { redis: options.redis } : {}),
        projection,
        batchSize: options.batchSize,
        maxAttempts: options.maxAttempts,
        logger: options.logger,
        ...(options.registry ? { registry: options.registry } : {}),
      }),
    );
  }
  return running;
}
