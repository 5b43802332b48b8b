/**
 * Cuts `items` into consecutive chunks whose weights add up to at most `budget`, in order; an
 * item heavier than the budget goes in a chunk of its own. Used to bound what one transaction
 * or one round trip carries (rebuild slices, grouped statements).
 */
export function chunkByWeight<T>(items: readonly T[], budget: number, weightOf: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let weight = 0;
  for (const item of items) {
    const w = weightOf(item);
    if (chunk.length > 0 && weight + w > budget) {
      chunks.push(chunk);
      chunk = [];
      weight = 0;
    }
    chunk.push(item);
    weight += w;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
