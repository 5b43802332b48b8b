// What a webhook receiver or another channel needs from the workers package.
export { verifyWebhookSignature, webhookSignature, WEBHOOK_HEADERS, type WebhookVerification } from './notifications/webhook-signature.js';
export type { Notification, NotificationKind, NotificationSender } from './notifications/notification.js';
