import type { JetStreamManager } from '@concert/infra';
import type { Knex } from 'knex';
import { countDeadlines } from '../deadlines/deadline-store.js';
import { RECORDER_DURABLE } from '../deadlines/deadline-recorder.js';
import { countPendingDeliveries } from '../notifications/delivery-store.js';
import { NOTIFIER_DURABLE } from '../notifications/notifier.js';

/** One of the workers' durable JetStream consumers, as ops see it. */
export interface WorkerConsumerStatus {
  durable: string;
  /** Messages not yet delivered to any worker; undefined when NATS could not be asked. */
  pending?: number;
  /** Delivered, not yet acknowledged. */
  unacked?: number;
  /** Stream sequence of the last message handed to a worker. */
  delivered?: number;
  /** Why the figures are missing: no such consumer yet, or NATS unreachable. */
  problem?: string;
}

export interface WorkerStatus {
  consumers: WorkerConsumerStatus[];
  /** Open hold deadlines, and those still open a minute past their due time (expiry backlog). */
  deadlines: { pending: number; overdue: number };
  notifications: { pending: number; deadLetters: number };
}

const OVERDUE_AFTER_MS = 60_000;

/**
 * What the workers owe: their consumers' backlog on the event stream (deadline recorder,
 * notifier), the open hold deadlines, and the notifications waiting or dead. `jsm` undefined:
 * NATS was not reachable, and the consumers say so.
 */
export async function workerStatus(
  knex: Knex,
  jsm: JetStreamManager | undefined,
  stream: string,
): Promise<WorkerStatus> {
  const consumers = await Promise.all(
    [RECORDER_DURABLE, NOTIFIER_DURABLE].map(async (durable): Promise<WorkerConsumerStatus> => {
      if (!jsm) return { durable, problem: 'NATS unreachable' };
      try {
        const info = await jsm.consumers.info(stream, durable);
        return {
          durable,
          pending: info.num_pending,
          unacked: info.num_ack_pending,
          delivered: info.delivered.stream_seq,
        };
      } catch (error) {
        return { durable, problem: (error as Error).message.split('\n')[0] ?? 'unknown' };
      }
    }),
  );
  const deadlines = (await countDeadlines(knex, new Date(), OVERDUE_AFTER_MS)).reduce(
    (sum, row) => ({ pending: sum.pending + row.pending, overdue: sum.overdue + row.overdue }),
    { pending: 0, overdue: 0 },
  );
  const deadLetters = await knex('notification_dead_letters').count({ n: '*' }).first();
  return {
    consumers,
    deadlines,
    notifications: { pending: await countPendingDeliveries(knex), deadLetters: Number(deadLetters?.n ?? 0) },
  };
}
