export { AdmissionGovernor, type AdmissionGovernorSettings } from './admission-governor.js';
export { queueRouter } from './queue-router.js';
export { requireQueueToken, verifiedQueueConcertOf } from './require-queue-token.js';
export { startQueueTicker, type QueueTicker } from './queue-ticker.js';
export { waitingRoomOf } from './waiting-room-of.js';
export { queueMetrics, type QueueMetrics } from './queue-metrics.js';
export { ConcertLookup, type Caller } from './concert-lookup.js';
export type { QueueOptions, QueueConfig } from './queue-options.js';
