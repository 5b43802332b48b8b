import { comparePositions, type RecordedEvent } from '@concert/infra';
import type { Checkpoint } from './checkpoint-store.js';

/**
 * What to do with the next message given the checkpoint:
 * - `duplicate`: at or below the checkpoint position (a redelivery, a republish): ack, skip;
 * - `out-of-order`: not the message right after the checkpoint's sequence: hold it back;
 * - `next`: apply it.
 * `contiguous` (the default) says the consumer sees every message of the stream, so the next
 * one must carry the checkpoint's sequence + 1; a consumer filtered to part of the stream sees
 * gaps, and only needs a higher sequence (its runner checks the consumer's own delivery
 * sequence for losses instead).
 */
export type Continuity = 'duplicate' | 'out-of-order' | 'next';

export function continuityOf(
  checkpoint: Checkpoint,
  event: RecordedEvent,
  streamSequence: number | undefined,
  contiguous = true,
): Continuity {
  if (comparePositions(event.position, checkpoint.position) <= 0) return 'duplicate';
  // Without a sequence (a rebuild from the event store, or a checkpoint reset to 0) order comes
  // from the caller. A sequence at or below the checkpoint's with a newer position means the
  // stream was recreated: applying would trust an order nothing checked, so it waits for ops.
  if (streamSequence === undefined || checkpoint.streamSequence === 0) return 'next';
  if (!contiguous) return streamSequence > checkpoint.streamSequence ? 'next' : 'out-of-order';
  return streamSequence === checkpoint.streamSequence + 1 ? 'next' : 'out-of-order';
}

/**
 * The continuity of a message of a consumer of the whole stream from its stream sequence alone,
 * when that settles it: the stream is in position order (the relay's fence), so with a known
 * checkpoint sequence the next sequence is the next event and a lower one a duplicate. Undefined
 * when only the event's position can tell (no sequence yet, or a gap: continuityOf).
 */
export function continuityBySequence(
  checkpoint: Checkpoint,
  streamSequence: number | undefined,
  contiguous = true,
): Continuity | undefined {
  if (!contiguous || streamSequence === undefined || checkpoint.streamSequence === 0) return undefined;
  if (streamSequence === checkpoint.streamSequence + 1) return 'next';
  return streamSequence <= checkpoint.streamSequence ? 'duplicate' : undefined;
}

/** The checkpoint after taking this event. */
export function advance(checkpoint: Checkpoint, event: RecordedEvent, streamSequence: number | undefined): Checkpoint {
  return { position: event.position, streamSequence: streamSequence ?? checkpoint.streamSequence };
}

/**
 * The checkpoint after skipping a duplicate. The stream is in position order (the relay's
 * fence), so every message up to a duplicate's sequence is at or below the checkpoint too:
 * taking its sequence lets a checkpoint set by a rebuild meet the stream again.
 */
export function passDuplicate(checkpoint: Checkpoint, streamSequence: number | undefined): Checkpoint {
  if (streamSequence === undefined || streamSequence <= checkpoint.streamSequence) return checkpoint;
  return { position: checkpoint.position, streamSequence };
}
