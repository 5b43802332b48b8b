// What a webhook receiver or another channel needs from the workers package.
export {
  verifyWebhookSignature,
  webhookSignature,
  WEBHOOK_HEADERS,
  type WebhookVerification,
} from './notifications/webhook-signature.js';
export type { Notification, NotificationKind, NotificationSender } from './notifications/notification.js';
// What ops tools need: the durable consumers' names and the dead letters of notifications.
export { listDeadLetters, retryDeadLetters, type DeadLetter } from './notifications/dead-letters.js';
export { workerStatus, type WorkerStatus, type WorkerConsumerStatus } from './ops/worker-status.js';
