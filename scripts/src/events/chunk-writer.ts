import { once } from 'node:events';
import type { Writable } from 'node:stream';

const DEFAULT_CHUNK_CHARS = 64 * 1024;

/**
 * Joins small pieces of text into chunks of about 64 KiB before writing them (a write per
 * event costs more than formatting it), and honours back-pressure: when the destination's
 * buffer is full, write() returns a promise that settles on 'drain' (or rejects on 'error').
 */
export class ChunkWriter {
  private pieces: string[] = [];
  private chars = 0;

  constructor(
    private readonly out: Writable,
    private readonly chunkChars = DEFAULT_CHUNK_CHARS,
  ) {}

  /** A promise only when the caller must wait before writing more. */
  write(text: string): Promise<void> | undefined {
    this.pieces.push(text);
    this.chars += text.length;
    return this.chars >= this.chunkChars ? this.flush() : undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.chars === 0) return undefined;
    const chunk = this.pieces.join('');
    this.pieces = [];
    this.chars = 0;
    // A destroyed destination (a reader that went away) would never drain: drop the text.
    if (this.out.destroyed) return undefined;
    if (this.out.write(chunk)) return undefined;
    return once(this.out, 'drain').then(() => undefined);
  }
}
