/**
 * Values that never change once known (a schedule's concert, a reservation's schedule), kept
 * in process so a hot lookup costs no round trip. Bounded: past `capacity`, the oldest goes.
 */
export class RememberedValues<V> {
  readonly #values = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    return this.#values.get(key);
  }

  set(key: string, value: V): void {
    if (this.#values.has(key)) return;
    // A Map iterates in insertion order: the first key is the oldest.
    if (this.#values.size >= this.capacity) this.#values.delete(this.#values.keys().next().value!);
    this.#values.set(key, value);
  }
}
