export { foldState, type Command, type Decider, type Event } from './decider.js';
export {
  DomainError,
  ForbiddenError,
  ValidationError,
  isDomainError,
  type DomainErrorCode,
  type ErrorDetails,
} from './domain-error.js';
export { instantSchema } from './instant.js';
export {
  amountSchema,
  entityIdSchema,
  hasNoDuplicates,
  seatIdListSchema,
  seatIdSchema,
  userIdSchema,
} from './value-schemas.js';

export * from './concert/index.js';
export * from './schedule/index.js';
export * from './seat/index.js';
export * from './reservation/index.js';
export * from './payment/index.js';
export * from './wallet/index.js';

export type { DomainEvent, DomainEventOfType, DomainEventType } from './events/domain-event.js';
export { EventSchemaError, type EventSchemaErrorCode } from './events/event-schema-error.js';
export {
  currentSchemaVersion,
  domainEventTypes,
  eventDefinitions,
  isDomainEventType,
  parseEvent,
  type EventDefinition,
} from './events/registry.js';
