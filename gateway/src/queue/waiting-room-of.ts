import { QueueTokens, WaitingRoom } from '@concert/infra';
import { ConcertLookup } from './concert-lookup.js';
import type { QueueOptions } from './queue-options.js';

const rooms = new WeakMap<QueueOptions, WaitingRoom>();
const lookups = new WeakMap<QueueOptions, ConcertLookup>();

/**
 * The waiting room the queue's pieces share, built once per options object: the router and
 * the poll fast path then share its in-process cache of entry owners.
 */
export function waitingRoomOf(options: QueueOptions): WaitingRoom {
  let room = rooms.get(options);
  if (room === undefined) {
    room = newWaitingRoom(options);
    rooms.set(options, room);
  }
  return room;
}

function newWaitingRoom(options: QueueOptions): WaitingRoom {
  const { config } = options;
  return new WaitingRoom(options.redis, {
    admitPerSecond: config.QUEUE_ADMIT_PER_SECOND,
    maxAdmitted: config.QUEUE_MAX_ADMITTED,
    admissionWindowMs: config.QUEUE_ADMISSION_WINDOW_MS,
    ...options.tuning,
  });
}

export function queueTokensOf(options: QueueOptions): QueueTokens {
  return new QueueTokens(options.config.QUEUE_TOKEN_SECRET);
}

/**
 * The concert lookup the queue-token checks share, built once per options object: a hold's
 * reservation remembered by the hold fast path is known in process to the payment's check.
 */
export function concertLookupOf(options: QueueOptions): ConcertLookup {
  let lookup = lookups.get(options);
  if (lookup === undefined) {
    lookup = new ConcertLookup(options.redis, options.queryBaseUrl, options.logger);
    lookups.set(options, lookup);
  }
  return lookup;
}
