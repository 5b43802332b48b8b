export {
  WaitingRoom,
  type QueueEntry,
  type QueueStatus,
  type TickResult,
  type WaitingRoomSettings,
  type WaitingRoomSummary,
} from './waiting-room.js';
export { waitingRoomKeys } from './waiting-room-keys.js';
export {
  QueueTokens,
  InvalidQueueTokenError,
  VERIFIED_QUEUE_CONCERT_HEADER,
  type QueueTokenClaims,
} from './queue-token.js';
