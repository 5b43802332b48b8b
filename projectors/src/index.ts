/**
 * What ops scripts may use from the projectors (scripts/src/projections): the projection
 * definitions and the checkpoint and batch rules, so a rebuild applies events exactly as the
 * live projector does; the status, lag and parked events the projectors process also serves
 * on its own port (ops/). Services never import this package.
 */
export {
  allProjections,
  catalogProjection,
  paymentsProjection,
  reservationsProjection,
  salesProjection,
  walletsProjection,
} from './projections/index.js';
export { applyBatch, applyEvents, handledTypes, type BatchResult, type EventOutcome } from './runner/apply-batch.js';
export { lockCheckpoint, writeCheckpoint, readCheckpoint, type Checkpoint } from './runner/checkpoint-store.js';
export { durableName, projectionLockName } from './runner/start-projectors.js';
export { feedLag, feedSize, type FeedLag } from './ops/feed-lag.js';
export { listParked, retryParked, errorSummary, type ParkedEvent, type RetryOutcome } from './ops/parked-events.js';
export { projectorStatus, type ProjectorStatus } from './ops/projection-status.js';
/** For bench:relay, which runs the relay alone. */
export { Relay, type RelayOptions } from './relay/relay.js';
