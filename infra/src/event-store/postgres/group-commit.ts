/** One unit's outcome in a batch: a unit fails alone (a conflict on its streams), the others stand. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** Batches in flight at once; each is one transaction on a connection of its own. */
  maxInFlight: number;
  /** A batch takes queued units until it holds this many streams; a larger unit goes alone. */
  maxStreams: number;
}

interface Pending<U, R> {
  unit: U;
  streams: readonly string[];
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: units submitted while `maxInFlight` batches are already committing wait here and
 * go together in the next batch, one transaction and one round trip for all of them. A unit is
 * sent at once when a slot is free, so an idle store adds no wait; under load the batches grow on
 * their own. A batch never holds one stream twice: a unit sharing a stream with one taken before
 * it (or with one left waiting before it) stays queued, in order, for a later batch.
 */
export class GroupCommit<U, R> {
  private queue: Array<Pending<U, R>> = [];
  private inFlight = 0;

  constructor(
    private readonly commit: (units: readonly U[]) => Promise<Array<Settled<R>>>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(unit: U, streams: readonly string[]): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ unit, streams, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      this.inFlight += 1;
      void this.run(this.take());
    }
  }

  private take(): Array<Pending<U, R>> {
    const batch: Array<Pending<U, R>> = [];
    const left: Array<Pending<U, R>> = [];
    const busy = new Set<string>();
    let streams = 0;
    for (const pending of this.queue) {
      const fits = batch.length === 0 || streams + pending.streams.length <= this.options.maxStreams;
      if (fits && !pending.streams.some((s) => busy.has(s))) {
        batch.push(pending);
        streams += pending.streams.length;
      } else {
        left.push(pending);
      }
      // Either way its streams are spoken for: a later unit on them must not overtake it.
      for (const s of pending.streams) busy.add(s);
    }
    this.queue = left;
    return batch;
  }

  private async run(batch: Array<Pending<U, R>>): Promise<void> {
    try {
      const settled = await this.commit(batch.map((p) => p.unit));
      batch.forEach((pending, i) => {
        const outcome = settled[i];
        if (outcome?.ok) pending.resolve(outcome.value);
        else pending.reject(outcome ? outcome.error : new Error('group commit: no outcome for a unit'));
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    } finally {
      this.inFlight -= 1;
      this.drain();
    }
  }
}
