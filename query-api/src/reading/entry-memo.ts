import type { CachedEntry } from './cached-entry.js';

/**
 * The cache entries this process read or wrote last, by key, so a hit on a large value (a
 * 5,000-seat map is ~320 KB) costs a short header read from Redis instead of moving, decoding
 * and re-serialising the whole value. Bounded by total bytes, least recently used out first.
 */
export class EntryMemo {
  private readonly entries = new Map<string, CachedEntry>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): CachedEntry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedEntry): void {
    this.delete(key);
    if (entry.body.length > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.body.length;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.body.length;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.body.length;
  }
}
