import { foldState, parseEvent, type Decider, type DomainEvent } from '@concert/domain';
import { WrongExpectedVersion, type ExpectedRevision, type GlobalPosition, type RecordedEvent } from '@concert/infra';
import { metadataFor, type CommandContext } from './command-context.js';

export interface HandleOptions {
  /** Reload-and-decide-again attempts after a WrongExpectedVersion; 0 lets the conflict through. */
  maxRetries?: number;
}

export interface Handled<E, S> {
  /** The events this command appended; empty when the decider found it already done. */
  events: E[];
  /** The stream's state after them. */
  state: S;
  /** Global position of the last appended event; undefined when nothing was appended. */
  position: GlobalPosition | undefined;
}

/**
 * The one way commands are executed: load the stream, decide, append with the revision that
 * was read. The expected revision is the fence: a concurrent writer makes the append fail,
 * and the command is decided again on the new state (when retries are allowed).
 */
export async function handleCommand<C, E extends DomainEvent, S>(
  ctx: CommandContext,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  options: HandleOptions = {},
): Promise<Handled<E, S>> {
  const maxRetries = options.maxRetries ?? 0;
  for (let attempt = 0; ; attempt++) {
    const { state, revision } = await loadStream(ctx, streamId, decider);
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, position: undefined };
    const occurredAt = ctx.now();
    try {
      const result = await ctx.store.append(
        streamId,
        events.map((e) => ({ type: e.type, data: e.data, metadata: metadataFor(ctx, e.type, occurredAt) })),
        revision,
      );
      return { events, state: events.reduce(decider.evolve, state), position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion) || attempt >= maxRetries) throw error;
      ctx.onConflictRetry?.(streamId);
    }
  }
}

/** The current state of a stream and the revision to expect when appending to it. */
export async function loadStream<C, E extends DomainEvent, S>(
  ctx: Pick<CommandContext, 'store'>,
  streamId: string,
  decider: Decider<C, E, S>,
): Promise<{ state: S; revision: ExpectedRevision }> {
  return foldStream(decider, await ctx.store.readStream(streamId));
}

/** The state recorded events describe and the revision to expect after them. */
export function foldStream<C, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  recorded: readonly RecordedEvent[],
): { state: S; revision: ExpectedRevision } {
  const last = recorded[recorded.length - 1];
  // A stream holds only its own aggregate's events, so the parsed union narrows to E.
  const events = recorded.map((r) => parseEvent(r.type, r.metadata.schemaVersion ?? 1, r.data) as E);
  return { state: foldState(decider, events), revision: last ? last.revision : 'no-stream' };
}
