/** Counters read at one moment: named totals and histogram buckets. */
export interface CounterReading {
  at: number;
  totals: Map<string, number>;
  histograms: Map<string, Map<number, number>>;
}

/** Readings older than this are dropped; rates are taken over the oldest one kept within WINDOW_MS. */
const WINDOW_MS = 10_000;
const MIN_INTERVAL_MS = 1000;

/**
 * The last few readings of the console's counters, kept in the gateway's memory, so that a
 * rate is (now - a reading 1 to 10 s old) / elapsed, whichever admin asked last. A counter that
 * went down (a process restarted) counts from zero.
 */
export class CounterHistory {
  #readings: CounterReading[] = [];

  /** Stores `now` and returns the reading to compare it with (undefined on the first call). */
  record(now: CounterReading): CounterReading | undefined {
    this.#readings = this.#readings.filter((r) => now.at - r.at <= WINDOW_MS);
    const base = this.#readings.find((r) => now.at - r.at >= MIN_INTERVAL_MS);
    const last = this.#readings.at(-1);
    if (last === undefined || now.at - last.at >= MIN_INTERVAL_MS / 2) this.#readings.push(now);
    return base;
  }
}

/** Per second between two readings of a counter; undefined without an earlier reading. */
export function ratePerSecond(now: CounterReading, base: CounterReading | undefined, key: string): number | undefined {
  if (base === undefined) return undefined;
  const current = now.totals.get(key) ?? 0;
  const before = base.totals.get(key) ?? 0;
  const delta = current >= before ? current - before : current;
  return delta / ((now.at - base.at) / 1000);
}
