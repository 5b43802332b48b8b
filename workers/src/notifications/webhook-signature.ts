import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers a signed webhook request carries besides its JSON body. */
export const WEBHOOK_HEADERS = {
  id: 'x-notification-id',
  timestamp: 'x-signature-timestamp',
  signature: 'x-signature',
} as const;

/** Hex HMAC-SHA256 of `${timestamp}.${body}`: the timestamp is signed too, so an old request cannot be replayed as new. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export interface WebhookVerification {
  secret: string;
  /** The raw request body, exactly as received (a re-serialised object would not match). */
  body: string;
  /** The X-Signature-Timestamp header (unix seconds). */
  timestamp: string | undefined;
  /** The X-Signature header. */
  signature: string | undefined;
  /** Requests signed longer ago than this are refused (replays); default 300 s. */
  toleranceS?: number;
  /** Unix seconds now; defaults to the clock. */
  nowS?: number;
}

const DEFAULT_TOLERANCE_S = 300;

/**
 * For a receiver: true when the request was signed with `secret` within the tolerance.
 * Compares in constant time. Deduplicate on X-Notification-Id: it is the event id.
 */
export function verifyWebhookSignature(check: WebhookVerification): boolean {
  const { timestamp, signature } = check;
  if (
    timestamp === undefined ||
    signature === undefined ||
    !/^\d{1,12}$/.test(timestamp) ||
    !/^[0-9a-f]{64}$/.test(signature)
  )
    return false;
  const nowS = check.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowS - Number(timestamp)) > (check.toleranceS ?? DEFAULT_TOLERANCE_S)) return false;
  const expected = Buffer.from(webhookSignature(check.secret, Number(timestamp), check.body), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
