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
  // Absent when it aged out between the two calls.
  const last = await readLastMessage(jsm, stream, subjectPrefix);
  return last ? { lastSequence, last } : { lastSequence };
}

/**
 * The stream's last message still stored, decoded (StreamTail.last), without the stream's state:
 * one JetStream API request instead of readStreamTail's two, for a caller that needs no
 * `lastSequence` (a projector's idle pass, up to 20 times a second each). Undefined when the
 * stream holds none.
 */
export async function readLastMessage(
  jsm: JetStreamManager,
  stream: string,
  subjectPrefix: string,
): Promise<StreamTail['last']> {
  try {
    const message = await jsm.streams.getMessage(stream, { last_by_subj: allEventsSubject(subjectPrefix) });
    return { sequence: message.seq, event: decodeEvent(message.data) };
  } catch (error) {
    if (isJetStreamError(error, JetStreamErrorCode.NoMessageFound)) return undefined;
    throw error;
  }
}
