/**
 * How deeply a request body may nest arrays and objects. No body of the API goes past 4; the
 * bound keeps every recursive reader of a body (canonical JSON for an Idempotency-Key
 * fingerprint, validators) far from the stack's end.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `max`. Iterative, so any depth is safe to ask. */
export function nestsDeeperThan(root: unknown, max: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value, depth } = visit;
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const item of Array.isArray(value) ? value : Object.values(value))
      pending.push({ value: item, depth: depth + 1 });
  }
  return false;
}
