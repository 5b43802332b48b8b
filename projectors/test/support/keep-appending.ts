/** Calls `append(n)` for n = 0, 1, 2... with a pause between, until stopped; `stop()` resolves with the count. */
export function keepAppending(append: (n: number) => Promise<void>, everyMs: number): { stop(): Promise<number> } {
  let stopped = false;
  let count = 0;
  const loop = (async () => {
    while (!stopped) {
      await append(count);
      count += 1;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return count;
    },
  };
}
