import { currentSchemaVersion, type DomainEventType } from '@concert/domain';
import type { EventMetadata, EventStore, SeatLocks } from '@concert/infra';
import type { PaymentLock } from '../pay/payment-lock.js';

/** What every command handler needs: where events live, what time it is, and who is asking. */
export interface CommandContext {
  store: EventStore;
  now: () => Date;
  /** The request id (or, for process managers, the id of what started the work). */
  correlationId: string;
  /** The event or request that caused this command; defaults to the correlation id. */
  causationId?: string;
  userId?: string;
  /**
   * Redis marks of taken seats: optional, the stream revisions alone keep holds single; with
   * them, contenders for a held seat are turned away without touching the event store.
   */
  locks?: SeatLocks;
  /** One runner per payment (the request path and payment recovery take it); without it, the steps' fence alone keeps payments right. */
  paymentLock?: PaymentLock;
  /** Called for every optimistic-concurrency retry (metrics). */
  onConflictRetry?: (streamId: string) => void;
}

export function metadataFor(ctx: CommandContext, type: DomainEventType, occurredAt: Date): EventMetadata {
  const metadata: EventMetadata = {
    correlationId: ctx.correlationId,
    causationId: ctx.causationId ?? ctx.correlationId,
    occurredAt: occurredAt.toISOString(),
    schemaVersion: currentSchemaVersion(type),
  };
  if (ctx.userId !== undefined) metadata.userId = ctx.userId;
  return metadata;
}
