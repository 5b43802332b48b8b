import type { Knex } from 'knex';

/** A notification whose last attempt failed, as ops see it. */
export interface DeadLetter {
  eventId: string;
  userId: string;
  kind: string;
  reservationId: string;
  attempts: number;
  /** First line of the last error. */
  lastError: string;
  deadAt: Date;
}

interface DeadLetterRow {
  event_id: string;
  notification: { userId: string; kind: string; reservationId: string };
  attempts: number;
  last_error: string;
  dead_at: Date;
}

/** Every dead letter, oldest first. */
export async function listDeadLetters(db: Knex): Promise<DeadLetter[]> {
  const rows = await db<DeadLetterRow>('notification_dead_letters')
    .select('*')
    .orderBy([{ column: 'dead_at' }, { column: 'event_id' }]);
  return rows.map((row) => ({
    eventId: row.event_id,
    userId: row.notification.userId,
    kind: row.notification.kind,
    reservationId: row.notification.reservationId,
    attempts: row.attempts,
    lastError: row.last_error.split('\n')[0] ?? '',
    deadAt: row.dead_at,
  }));
}

/**
 * Gives dead deliveries a new round of attempts: each goes back to pending, due now, with its
 * attempts counted from zero, and its dead letter is removed, in one transaction, so a running
 * dispatcher picks it up on its next claim. `eventIds` undefined: every dead letter. Returns
 * the event ids sent back (an unknown id is simply not among them).
 */
export async function retryDeadLetters(db: Knex, eventIds?: readonly string[]): Promise<string[]> {
  return db.transaction(async (trx) => {
    const query = trx('notification_dead_letters').del().returning('event_id');
    if (eventIds) query.whereIn('event_id', eventIds);
    const retried = ((await query) as { event_id: string }[]).map((r) => r.event_id);
    if (retried.length > 0) {
      await trx('notification_deliveries')
        .whereIn('event_id', retried)
        .update({ status: 'pending', attempts: 0, next_attempt_at: trx.fn.now(), last_error: null });
    }
    return retried;
  });
}
