/** A command record: the type discriminates, the data holds plain values. */
export interface Command<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * An event record as the deciders see it. Metadata (eventId, correlationId, occurredAt,
 * schema version) belongs to infra, so that a decision depends on the business facts only.
 */
export interface Event<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

export interface Decider<C, E, S> {
  /** Throws a DomainError when the state forbids the command; [] when it is already done. */
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState(): S;
}

/** The state a stream's events describe, as a command handler needs it before deciding. */
export function foldState<C, E, S>(decider: Decider<C, E, S>, events: Iterable<E>): S {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
