import { foldState, parseEvent, type Decider, type DomainEvent } from '@concert/domain';
import {
  WrongExpectedVersion,
  type AppendResult,
  type ExpectedRevision,
  type GlobalPosition,
  type RecordedEvent,
  type StreamWrite,
} from '@concert/infra';
import { metadataFor, type CommandContext } from './command-context.js';

export interface HandleOptions {
  /** Reload-and-decide-again attempts after a WrongExpectedVersion; 0 lets the conflict through. */
  maxRetries?: number;
  /**
   * Several streams only: the error to throw when more than one stream's decider refused
   * (e.g. one seat-unavailable naming every refused seat). Default: the first refusal.
   */
  combineRefusals?: (refusals: readonly unknown[]) => unknown;
}

export interface Handled<E, S> {
  /** The events this command appended; empty when the decider found it already done. */
  events: E[];
  /** The stream's state after them. */
  state: S;
  /** Global position of the last appended event; undefined when nothing was appended. */
  position: GlobalPosition | undefined;
}

/** One stream's command in a command over several streams. */
export interface StreamCommand {
  readonly streamId: string;
  /**
   * The stream almost surely does not exist yet (a new reservation, a seat never held): the
   * first decision is made on no events without reading the stream, and the append's expected
   * revision `no-stream` checks that. If the stream exists after all (a conflict), or a decision
   * on that guess refuses, the streams are read and decided again; that costs no retry.
   */
  readonly presumedNew?: boolean;
  /** Decides on the stream's recorded events: the events to append and the revision to expect. */
  decide(recorded: readonly RecordedEvent[]): { events: DomainEvent[]; revision: ExpectedRevision };
}

/** A command for one stream, to pass with others to handleCommand. */
export function streamCommand<C, E extends DomainEvent, S>(
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  options: { presumedNew?: boolean } = {},
): StreamCommand {
  return {
    streamId,
    presumedNew: options.presumedNew ?? false,
    decide(recorded) {
      const { state, revision } = foldStream(decider, recorded);
      return { events: decider.decide(command, state), revision };
    },
  };
}

export interface HandledStreams {
  /** The streams appended to, in the order given (a stream whose decider found nothing to do is left out). */
  written: Array<{ streamId: string; position: GlobalPosition }>;
  /** Global position of the last appended event; undefined when nothing was appended. */
  position: GlobalPosition | undefined;
}

/**
 * The sequential path failed part-way: the streams before `failedStreamId` were written, that
 * one and the rest were not (or, for an ambiguous error, that one may have been). `cause` is
 * the error of `failedStreamId`. The caller compensates (the hold: the release rule).
 */
export class PartialWriteError extends Error {
  override readonly name = 'PartialWriteError';
  constructor(
    readonly written: HandledStreams['written'],
    readonly failedStreamId: string,
    override readonly cause: unknown,
  ) {
    super(`stream ${failedStreamId} failed after ${written.length} stream(s) were written: ${String(cause)}`);
  }
}

/**
 * The one way commands are executed: load the stream(s), decide, append with the revision
 * that was read. The expected revision is the fence: a concurrent writer makes the append fail,
 * and the command is decided again on the new state (when retries are allowed).
 *
 * Over several streams: atomic where the store can append to several streams in one
 * transaction (`appendMany`: one read, one all-or-nothing append, retried as a whole);
 * sequential otherwise (EventStoreDB): the same loop for each stream in the order given,
 * stopping at the first failure with a PartialWriteError that says what was written.
 */
export function handleCommand<C, E extends DomainEvent, S>(
  ctx: CommandContext,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  options?: HandleOptions,
): Promise<Handled<E, S>>;
export function handleCommand(
  ctx: CommandContext,
  commands: readonly StreamCommand[],
  options?: HandleOptions,
): Promise<HandledStreams>;
export async function handleCommand<C, E extends DomainEvent, S>(
  ctx: CommandContext,
  target: string | readonly StreamCommand[],
  deciderOrOptions?: Decider<C, E, S> | HandleOptions,
  command?: C,
  maybeOptions?: HandleOptions,
): Promise<Handled<E, S> | HandledStreams> {
  if (typeof target !== 'string')
    return handleStreams(ctx, target, isDecider(deciderOrOptions) ? {} : (deciderOrOptions ?? {}));
  if (!isDecider(deciderOrOptions))
    throw new TypeError('handleCommand(ctx, streamId, decider, command): decider missing');
  const decider = deciderOrOptions;
  let decided: { events: E[]; state: S } = { events: [], state: decider.initialState() };
  const one: StreamCommand = {
    streamId: target,
    decide(recorded) {
      const { state, revision } = foldStream(decider, recorded);
      decided = { events: decider.decide(command as C, state), state };
      return { events: decided.events, revision };
    },
  };
  const handled = await decideAndAppend(ctx, [one], maybeOptions ?? {});
  return {
    events: decided.events,
    state: decided.events.reduce(decider.evolve, decided.state),
    position: handled.position,
  };
}

function isDecider<C, E, S>(value: Decider<C, E, S> | HandleOptions | undefined): value is Decider<C, E, S> {
  return value !== undefined && 'decide' in value;
}

async function handleStreams(
  ctx: CommandContext,
  commands: readonly StreamCommand[],
  options: HandleOptions,
): Promise<HandledStreams> {
  if (commands.length <= 1 || ctx.store.appendMany) return decideAndAppend(ctx, commands, options);
  const written: HandledStreams['written'] = [];
  for (const command of commands) {
    try {
      written.push(...(await decideAndAppend(ctx, [command], options)).written);
    } catch (error) {
      throw new PartialWriteError(written, command.streamId, error);
    }
  }
  return { written, position: written[written.length - 1]?.position };
}

/**
 * The loop: read every stream (but those presumed new, on the first pass), decide each, append
 * all at once (one stream: append; several: appendMany).
 */
async function decideAndAppend(
  ctx: CommandContext,
  commands: readonly StreamCommand[],
  options: HandleOptions,
): Promise<HandledStreams> {
  const maxRetries = options.maxRetries ?? 0;
  let presuming = commands.some((c) => c.presumedNew);
  for (let attempt = 0; ;) {
    const recorded = await readStreamsOf(ctx, presuming ? commands.filter((c) => !c.presumedNew) : commands);
    const occurredAt = ctx.now();
    const writes: StreamWrite[] = [];
    const refusals: unknown[] = [];
    for (const command of commands) {
      try {
        const { events, revision } = command.decide(recorded.get(command.streamId) ?? []);
        if (events.length === 0) continue;
        const toAppend = events.map((e) => ({
          type: e.type,
          data: e.data,
          metadata: metadataFor(ctx, e.type, occurredAt),
        }));
        writes.push({ streamId: command.streamId, events: toAppend, expectedRevision: revision });
      } catch (error) {
        refusals.push(error);
      }
    }
    // A refusal, or "nothing to do", is only ever told on what the store holds, never on a guess.
    if (presuming && (refusals.length > 0 || writes.length === 0)) {
      presuming = false;
      continue;
    }
    if (refusals.length > 0)
      throw refusals.length > 1 && options.combineRefusals ? options.combineRefusals(refusals) : refusals[0];
    if (writes.length === 0) return { written: [], position: undefined };
    try {
      const results = await appendAll(ctx, writes);
      const written = writes.map((w, i) => ({ streamId: w.streamId, position: results[i]!.position }));
      return { written, position: written[written.length - 1]!.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      if (presuming) {
        presuming = false;
        continue;
      }
      if (attempt >= maxRetries) throw error;
      attempt += 1;
      ctx.onConflictRetry?.(error.streamId);
    }
  }
}

async function readStreamsOf(
  ctx: CommandContext,
  commands: readonly StreamCommand[],
): Promise<Map<string, readonly RecordedEvent[]>> {
  if (commands.length === 0) return new Map();
  if (commands.length === 1)
    return new Map([[commands[0]!.streamId, await ctx.store.readStream(commands[0]!.streamId)]]);
  return ctx.store.readStreams(commands.map((c) => c.streamId));
}

async function appendAll(ctx: CommandContext, writes: readonly StreamWrite[]): Promise<AppendResult[]> {
  if (writes.length === 1)
    return [await ctx.store.append(writes[0]!.streamId, writes[0]!.events, writes[0]!.expectedRevision)];
  if (!ctx.store.appendMany) throw new Error('several streams in one append need a store with appendMany');
  return ctx.store.appendMany(writes);
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
