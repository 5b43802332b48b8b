export type EventSchemaErrorCode = 'unknown-event-type' | 'unsupported-schema-version' | 'invalid-event-data';

/**
 * A stored event that cannot be read. Not a DomainError: it is a fault in the data or the
 * deployment (a reader older than the writer), never a refusal a client could fix.
 */
export class EventSchemaError extends Error {
  readonly code: EventSchemaErrorCode;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly issues: readonly string[];

  constructor(
    code: EventSchemaErrorCode,
    message: string,
    context: { eventType: string; schemaVersion: number; issues?: readonly string[] },
  ) {
    super(message);
    this.name = 'EventSchemaError';
    this.code = code;
    this.eventType = context.eventType;
    this.schemaVersion = context.schemaVersion;
    this.issues = context.issues ?? [];
  }
}
