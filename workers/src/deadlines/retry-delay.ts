const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 60_000;

/**
 * Wait before the next run of a deadline that failed `attempts` times: short at first (a
 * conflict, a clock a few ms behind), doubling up to a minute for one that keeps failing.
 */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}
