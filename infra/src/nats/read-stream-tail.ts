import type { JetStreamManager } from 'nats';
import type { RecordedEvent } from '../event-store/event-store.js';
import { decodeEvent } from './event-codec.js';
import { allEventsSubject } from './event-subject.js';
import { JetStreamErrorCode, isJetStreamError } from './jetstream-errors.js';

export interface StreamTail {
  /** Sequence of the last message ever stored (0 for a new stream): what the next publish must expect. */
  lastSequence: number;
  /** The last message still in the stream, decoded; absent when the stream holds none (new, or all aged out). */
  last?: { sequence: number; event: RecordedEvent };
}

/**
 * Where the feed stream ends. The relay starts after this event, because the stream, not a
 * checkpoint written later, is the record of what was published. The last message is looked
 * up by subject rather than by `last_seq`, which may name a deleted message.
 */
export async function readStreamTail(
  jsm: JetStreamManager,
  stream: string,
  subjectPrefix: string,
): Promise<StreamTail> {
  const info = await jsm.streams.info(stream);
  const lastSequence = info.state.last_seq;
  if (info.state.messages === 0) return { lastSequence };
  try {
    const message = await jsm.streams.getMessage(stream, { last_by_subj: allEventsSubject(subjectPrefix) });
    return { lastSequence, last: { sequence: message.seq, event: decodeEvent(message.data) } };
  } catch (error) {
    // Aged out between the two calls.
    if (isJetStreamError(error, JetStreamErrorCode.NoMessageFound)) return { lastSequence };
    throw error;
  }
}
