import type { EventStore } from '@concert/infra';
import { toExportedEvent } from './exported-event.js';
import type { ProjectionModule } from './projection-module.js';
import { readSelection } from './read-selection.js';
import type { Selection } from './selection.js';

export interface ReplayOptions {
  selection: Selection;
  raw: boolean;
  signal?: AbortSignal;
  batchSize?: number;
}

export interface ReplayOutcome {
  result: unknown;
  events: number;
}

/**
 * Folds the selected events, in feed order, through a user's projection module. Reads the
 * event store only: nothing is written anywhere, so history can be asked new questions
 * without touching production tables.
 */
export async function replayEvents(
  store: EventStore,
  projection: ProjectionModule,
  options: ReplayOptions,
): Promise<ReplayOutcome> {
  let state = await projection.init();
  let events = 0;
  for await (const recorded of readSelection(store, options.selection, {
    signal: options.signal,
    batchSize: options.batchSize,
  })) {
    const applied = projection.apply(state, toExportedEvent(recorded, options.raw));
    const next = isPromise(applied) ? await applied : applied;
    if (next !== undefined) state = next;
    events += 1;
  }
  return { result: await projection.result(state), events };
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
