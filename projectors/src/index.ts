/**
 * What ops scripts may use from the projectors (scripts/src/projections): the projection
 * definitions and the checkpoint and batch rules, so a rebuild applies events exactly as the
 * live projector does. Services never import this package.
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
