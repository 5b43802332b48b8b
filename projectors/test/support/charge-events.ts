import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@concert/infra';

/** A valid WalletCharged, the one event type the test projection reads. */
export function chargeEvent(userId: string, chargeId: string, amount = 100): NewEvent {
  return {
    id: randomUUID(),
    type: 'WalletCharged',
    data: { userId, chargeId, amount, chargedAt: '2026-01-01T00:00:00.000Z' },
    metadata: {
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: '2026-01-01T00:00:00.000Z',
      schemaVersion: 1,
    },
  };
}

/**
 * A recorded charge at feed position `n` (commit n, prepare n), for tests that publish to
 * JetStream directly and so choose positions themselves.
 */
export function recordedCharge(n: number, userId: string, chargeId = `c${n}`, amount = 100): RecordedEvent {
  const event = chargeEvent(userId, chargeId, amount);
  return {
    id: event.id!,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    streamId: `wallet-${userId}`,
    category: 'wallet',
    revision: BigInt(n),
    position: { commit: BigInt(n), prepare: BigInt(n) },
    recordedAt: new Date('2026-01-01T00:00:00.000Z'),
  };
}

/** An event of a type the test projection does not read. */
export function recordedOther(n: number): RecordedEvent {
  return {
    ...recordedCharge(n, 'nobody'),
    type: 'SalesOpened',
    data: { not: 'parsed' },
    streamId: 'concert-x',
    category: 'concert',
  };
}
