export { connectNats } from './connect-nats.js';
export { openEventStream, type EventStreamConnection } from './open-event-stream.js';
export { ensureEventStream, DUPLICATE_WINDOW_MS, type EventStreamOptions } from './ensure-event-stream.js';
export {
  ensureDurableConsumer,
  resetDurableConsumer,
  consumerInfo,
  type DurableConsumerOptions,
} from './ensure-durable-consumer.js';
export {
  encodeEvent,
  decodeEvent,
  eventToJson,
  eventFromJson,
  EventDecodeError,
  type EventJson,
} from './event-codec.js';
export { eventSubject, allEventsSubject, categorySubject, eventTypeToken } from './event-subject.js';
export { readLastMessage, readStreamTail, type StreamTail } from './read-stream-tail.js';
export {
  JetStreamPipeline,
  JetStreamPublishError,
  type PipelinedAck,
  type PipelinedPublish,
} from './jetstream-pipeline.js';
export { JetStreamErrorCode, jetStreamErrorCode, isJetStreamError, isConnectionClosed } from './jetstream-errors.js';
// The client types services need, so that they depend on `nats` only through infra.
export type {
  Consumer,
  ConsumerInfo,
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
  NatsConnection,
  PubAck,
} from 'nats';
