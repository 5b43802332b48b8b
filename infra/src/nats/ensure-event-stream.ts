import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from 'nats';
import { allEventsSubject } from './event-subject.js';
import { JetStreamErrorCode, isJetStreamError } from './jetstream-errors.js';

export interface EventStreamOptions {
  stream: string;
  subjectPrefix: string;
  /** How long events stay (NATS_MAX_AGE_HOURS); a projector further behind rebuilds from the event store. */
  maxAgeHours: number;
}

/** Server-side de-duplication of `msgID` (the event id): covers a relay's retries and a failover. */
export const DUPLICATE_WINDOW_MS = 120_000;

/**
 * Creates the feed stream, or brings an existing one to this configuration. Idempotent and
 * safe when several processes start at once: an identical create is a no-op on the server,
 * and a create that lost a race with a different configuration becomes an update.
 */
export async function ensureEventStream(jsm: JetStreamManager, options: EventStreamOptions): Promise<StreamInfo> {
  const wanted = {
    subjects: [allEventsSubject(options.subjectPrefix)],
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_age: nanos(options.maxAgeHours * 3_600_000),
  };
  const existing = await streamInfo(jsm, options.stream);
  if (existing === undefined) {
    try {
      return await jsm.streams.add({
        name: options.stream,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        num_replicas: 1,
        ...wanted,
      });
    } catch (error) {
      if (!isJetStreamError(error, JetStreamErrorCode.StreamNameInUse)) throw error;
    }
  } else if (matches(existing.config, wanted)) {
    return existing;
  }
  return jsm.streams.update(options.stream, wanted);
}

async function streamInfo(jsm: JetStreamManager, stream: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(stream);
  } catch (error) {
    if (isJetStreamError(error, JetStreamErrorCode.StreamNotFound)) return undefined;
    throw error;
  }
}

function matches(
  config: StreamConfig,
  wanted: Pick<StreamConfig, 'subjects' | 'duplicate_window' | 'max_age'>,
): boolean {
  return (
    config.subjects.length === wanted.subjects.length &&
    config.subjects.every((s, i) => s === wanted.subjects[i]) &&
    config.duplicate_window === wanted.duplicate_window &&
    config.max_age === wanted.max_age
  );
}
