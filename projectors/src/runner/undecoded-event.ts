import { decodeEvent, type EventMetadata, type GlobalPosition, type RecordedEvent } from '@concert/infra';

/**
 * A feed message of a type the projection does not read, left undecoded: such a message only
 * moves the checkpoint, and for a consumer of the whole stream the sequence right after the
 * checkpoint says that (continuity.ts, `continuityBySequence`). Whatever reads a field of the
 * event itself (its position for the batch's last checkpoint, an error log, parking) decodes it
 * then, once. `subjectType` is the type token of its subject (event-subject.ts).
 */
export class UndecodedEvent implements RecordedEvent {
  private decoded: RecordedEvent | undefined;

  constructor(
    readonly subjectType: string,
    private readonly bytes: Uint8Array,
  ) {}

  /** The event; throws EventDecodeError when the message is not one. */
  event(): RecordedEvent {
    this.decoded ??= decodeEvent(this.bytes);
    return this.decoded;
  }

  get id(): string {
    return this.event().id;
  }
  get type(): string {
    return this.event().type;
  }
  get data(): unknown {
    return this.event().data;
  }
  get metadata(): EventMetadata {
    return this.event().metadata;
  }
  get streamId(): string {
    return this.event().streamId;
  }
  get category(): string {
    return this.event().category;
  }
  get revision(): bigint {
    return this.event().revision;
  }
  get position(): GlobalPosition {
    return this.event().position;
  }
  get recordedAt(): Date {
    return this.event().recordedAt;
  }
}
