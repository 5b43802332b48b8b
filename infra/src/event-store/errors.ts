import type { ExpectedRevision } from './event-store.js';

/** The stream was not at the revision the writer expected: reload, decide again, retry. */
export class WrongExpectedVersion extends Error {
  override readonly name = 'WrongExpectedVersion';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no-stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** An event id that is already stored was appended again. */
export class DuplicateEventId extends Error {
  override readonly name = 'DuplicateEventId';
  constructor(
    readonly streamId: string,
    detail: string,
  ) {
    super(`stream ${streamId}: duplicate event id (${detail})`);
  }
}
