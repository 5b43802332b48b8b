import type { Logger } from '@concert/infra';
import { abortableSleep as sleep } from '@concert/infra';

export interface PeriodicLoop {
  /** Lets the round in hand finish, then resolves. */
  stop(): Promise<void>;
  /** Rejects unless the loop is running and its last round did not fail. */
  ready(): Promise<void>;
}

/** A loop of startPeriodicLoop: its pause can be cut short. */
export interface WakeableLoop extends PeriodicLoop {
  /** Cuts the pause in hand short: the next round starts at once (or when the one in hand ends). */
  wake(): void;
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
): WakeableLoop {
  const controller = new AbortController();
  let lastError: unknown;
  let running = true;
  /** Ends the current pause early; renewed for each pause. A wake during a round skips the next pause. */
  let pause = new AbortController();
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
      if (!more && !pause.signal.aborted) await sleep(intervalMs, AbortSignal.any([controller.signal, pause.signal]));
      pause = new AbortController();
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
    wake() {
      pause.abort();
    },
  };
}
