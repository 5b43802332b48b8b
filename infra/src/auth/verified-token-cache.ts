/**
 * What a token proved, kept in process so a client that sends the same token on every request
 * costs one signature check per process, not one per request. Keyed by the token string (the
 * bytes that were verified); an entry is never served after the token's `exp`, and the cache
 * is bounded: past `capacity`, the least recently used entry goes.
 */
export class VerifiedTokenCache<T> {
  readonly #entries = new Map<string, { value: T; expiresAtMs: number }>();

  constructor(
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): T | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    this.#entries.delete(token);
    if (entry.expiresAtMs <= this.now()) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.#entries.set(token, entry);
    return entry.value;
  }

  /** `expiresAtMs`: the token's `exp` in epoch ms; the entry is dropped from then on. */
  set(token: string, value: T, expiresAtMs: number): void {
    this.#entries.delete(token);
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(token, { value, expiresAtMs });
  }
}
