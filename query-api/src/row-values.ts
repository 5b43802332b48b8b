/** PostgreSQL column values as the API's JSON wants them (docs/api.md: integer amounts, ISO times). */

/** `bigint` columns arrive from pg as decimal strings, so that no precision is lost silently. */
export function amountOf(value: string | number): number {
  const amount = Number(value);
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount out of the safe integer range: ${value}`);
  return amount;
}

export function isoOf(value: Date): string;
export function isoOf(value: Date | null): string | null;
export function isoOf(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
