/**
 * Coalesces concurrent identical loads in this process: the first caller runs it, the others
 * share its promise. A hot seat map is invalidated by every hold during a spike, and without
 * this each invalidation would send every waiting request to the database at once.
 */
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    // Only `run` with this key puts a promise here, and it always stores the Promise<T> of `load`.
    if (running !== undefined) return running as Promise<T>;
    const started = load().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
