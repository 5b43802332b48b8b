import { decodeEvent, type JsMsg } from '@concert/infra';
import type { Knex } from 'knex';
import type { WorkerMetrics } from '../metrics/worker-metrics.js';
import { startFeedConsumer, type FeedSource } from '../runtime/feed-consumer.js';
import type { PeriodicLoop } from '../runtime/periodic-loop.js';
import type { DeadlineChange } from './deadline.js';
import { deadlineChangeOf } from './deadline-changes.js';
import { recordChanges } from './deadline-store.js';

export interface DeadlineRecorderOptions extends FeedSource {
  knex: Knex;
  metrics: WorkerMetrics;
}

/** The saga's durable consumer; every worker instance pulls from it, so each event goes to one of them. */
export const RECORDER_DURABLE = 'saga_expiry';

/**
 * Records hold deadlines from the feed: a hold sets one, its end settles it, in one transaction
 * per batch, acked after the commit. Unlike a projector it needs no checkpoint or ordering: a
 * redelivered event is a no-op, and set/settle commute (a settle leaves a tombstone that a later
 * set cannot revive), so instances may take the events in any order.
 */
export async function startDeadlineRecorder(options: DeadlineRecorderOptions): Promise<PeriodicLoop> {
  const { logger, metrics } = options;

  async function record(batch: readonly JsMsg[]): Promise<void> {
    const changes: DeadlineChange[] = [];
    let recorded = 0;
    let undecodable = 0;
    for (const message of batch) {
      try {
        const change = deadlineChangeOf(decodeEvent(message.data));
        if (change) {
          changes.push(change);
          recorded++;
        }
      } catch (error) {
        // Not held back as a projector would: no order to keep here, and waiting would stall
        // every other deadline. Lost at worst is one deadline, whose seats the other kind still covers.
        undecodable++;
        logger.error(
          { err: error, streamSequence: message.info.streamSequence },
          'undecodable event skipped by the deadline recorder',
        );
      }
    }
    await recordChanges(options.knex, changes);
    metrics.recorderEvents.inc({ outcome: 'recorded' }, recorded);
    metrics.recorderEvents.inc({ outcome: 'passed' }, batch.length - recorded - undecodable);
    if (undecodable > 0) metrics.recorderEvents.inc({ outcome: 'undecodable' }, undecodable);
  }

  return startFeedConsumer({ ...options, name: 'deadline recorder', durable: RECORDER_DURABLE, handle: record });
}
