import type { Logger } from '@concert/infra';
import { abortableSleep as sleep } from '@concert/infra';

export interface PeriodicLoop {
  /** Lets the round in hand finish, then resolves. */
  stop(): Promise<void>;
  /** Rejects unless the loop is running and its last round did not fail. */
  ready(): Promise<void>;
}

/**
 * Runs `round` at once, then again after `intervalMs`, or at once when it reports more work
 * (`true`: a full batch, so a backlog is worked off without waiting a tick). A failed round is
 * logged and retried after the interval: a database blip must not end the process.
 */
export function startPeriodicLoop(
  name: string,
  intervalMs: number,
  round: (signal: AbortSignal) => Promise<boolean>,
  logger: Logger,
): PeriodicLoop {
  const controller = new AbortController();
  let lastError: unknown;
  let running = true;
  const done = (async () => {
    while (!controller.signal.aborted) {
      let more = false;
      try {
        more = await round(controller.signal);
        lastError = undefined;
      } catch (error) {
        if (lastError === undefined) logger.warn({ err: error, loop: name }, 'round failed, retrying');
        lastError = error;
      }
      if (!more) await sleep(intervalMs, controller.signal);
    }
    running = false;
  })();
  return {
    async stop() {
      controller.abort();
      await done;
    },
    async ready() {
      if (!running) throw new Error(`${name} is not running`);
      if (lastError !== undefined)
        throw new Error(`${name}: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    },
  };
}
