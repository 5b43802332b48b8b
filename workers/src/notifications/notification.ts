/** What a user is told about, one kind per notifying event type. */
export type NotificationKind =
  'reservation-held' | 'reservation-confirmed' | 'reservation-expired' | 'payment-completed';

/** One notification: the event that caused it is its identity (at most one per event id). */
export interface Notification {
  /** The id of the event it reports; the webhook's X-Notification-Id. */
  id: string;
  userId: string;
  kind: NotificationKind;
  reservationId: string;
  /** When the event's command was decided (ISO-8601). */
  occurredAt: string;
  /** A few facts of the event (seats, amount, deadline...), by kind. */
  payload: Record<string, unknown>;
}

/** Where notifications go: a webhook, the inbox table, or any other channel plugged in. */
export interface NotificationSender {
  /** Name of the channel in logs and metrics. */
  readonly name: string;
  /** Resolves once the notification is delivered; rejects to have it retried later. */
  send(notification: Notification): Promise<void>;
  /**
   * Optional: delivers many at once (one statement for the inbox). All or nothing: on a
   * rejection the dispatcher sends each alone, so every one still gets its own outcome.
   */
  sendAll?(notifications: readonly Notification[]): Promise<void>;
}

/** A notification as a row of the outbox (`notification_deliveries`) and of the inbox (`notifications`): same columns. */
export function notificationRow(n: Notification): Record<string, string> {
  return {
    event_id: n.id,
    user_id: n.userId,
    kind: n.kind,
    reservation_id: n.reservationId,
    occurred_at: n.occurredAt,
    payload: JSON.stringify(n.payload),
  };
}
