import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExportedEvent } from './exported-event.js';

/**
 * What a replay module exports (named, or as its default export): a fold over the selected
 * events. Each function may be sync or async. `apply` returns the next state, or nothing
 * when it changed the state in place.
 */
export interface ProjectionModule<State = unknown> {
  init(): State | Promise<State>;
  apply(state: State, event: ExportedEvent): State | void | Promise<State | void>;
  result(state: State): unknown;
}

const FUNCTIONS = ['init', 'apply', 'result'] as const;

export class ProjectionModuleError extends Error {
  override name = 'ProjectionModuleError';
}

/** Imports the module at `file` (relative to the working directory); .mjs/.js, or .ts under tsx as `npm run events` runs. */
export async function loadProjectionModule(file: string): Promise<ProjectionModule> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ProjectionModuleError(
      `cannot load projection module ${file}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  return asProjectionModule(loaded, file);
}

export function asProjectionModule(loaded: Record<string, unknown>, file: string): ProjectionModule {
  const fallback = loaded.default;
  const usesDefault =
    FUNCTIONS.every((name) => typeof loaded[name] !== 'function') && typeof fallback === 'object' && fallback !== null;
  const candidate = usesDefault ? (fallback as Record<string, unknown>) : loaded;
  const missing = FUNCTIONS.filter((name) => typeof candidate?.[name] !== 'function');
  if (missing.length > 0) {
    throw new ProjectionModuleError(
      `projection module ${file} must export functions init, apply and result (missing: ${missing.join(', ')})`,
    );
  }
  return candidate as unknown as ProjectionModule;
}
