import { encodeEvent, eventSubject, type JetStreamClient, type RecordedEvent } from '@concert/infra';

/** Publishes events as the relay would (msgID = event id), in order, bypassing the relay. */
export async function publishEvents(
  js: JetStreamClient,
  subjectPrefix: string,
  events: readonly RecordedEvent[],
): Promise<void> {
  const acks = events.map((event) =>
    js.publish(eventSubject(subjectPrefix, event.category, event.type), encodeEvent(event), { msgID: event.id }),
  );
  await Promise.all(acks);
}
