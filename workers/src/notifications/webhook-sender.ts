import type { Notification, NotificationSender } from './notification.js';
import { WEBHOOK_HEADERS, webhookSignature } from './webhook-signature.js';

export interface WebhookSenderOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  /** Unix seconds of the signature; defaults to the clock. */
  nowS?: () => number;
}

/** A delivery the receiver refused or could not take; its message is kept as the last error. */
export class WebhookDeliveryError extends Error {
  override readonly name = 'WebhookDeliveryError';
}

const MAX_RESPONSE_TEXT = 300;

/**
 * POSTs the notification as JSON, signed (see webhook-signature.ts). Any 2xx is a delivery;
 * another status, a timeout or a network error rejects, and the dispatcher retries.
 */
export function webhookSender(options: WebhookSenderOptions): NotificationSender {
  const nowS = options.nowS ?? (() => Math.floor(Date.now() / 1000));
  return {
    name: 'webhook',
    async send(notification: Notification) {
      const body = JSON.stringify(notification);
      const timestamp = nowS();
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [WEBHOOK_HEADERS.id]: notification.id,
            [WEBHOOK_HEADERS.timestamp]: String(timestamp),
            [WEBHOOK_HEADERS.signature]: webhookSignature(options.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
          redirect: 'manual',
        });
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new WebhookDeliveryError(`webhook request failed: ${reason}`);
      }
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel();
        return;
      }
      const text = (await response.text().catch(() => '')).slice(0, MAX_RESPONSE_TEXT);
      throw new WebhookDeliveryError(`webhook answered ${response.status}${text ? `: ${text}` : ''}`);
    },
  };
}
