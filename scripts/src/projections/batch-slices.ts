import { chunkByWeight, type RecordedEvent } from '@concert/infra';

/**
 * Cuts a feed batch into consecutive slices of at most `budget` weight, for a rebuild to apply
 * one transaction per slice: a batch of ordinary events stays whole, while a batch of bulky
 * ones (a ScheduleAdded with its seat map: thousands of seats, each a row to write) goes in
 * several, so what a projection holds at once (rows, their JSON, the parsed events) stays
 * bounded by the budget rather than by what the batch happens to contain. An event weighs 1
 * plus the items of the arrays directly in its data (cheap to count, and what makes an event
 * bulky here); an event heavier than the budget goes alone.
 */
export function sliceByWeight(batch: readonly RecordedEvent[], budget: number): RecordedEvent[][] {
  return chunkByWeight(batch, budget, weightOf);
}

/** 1 plus the items of the arrays directly in the event's data. */
export function weightOf(event: RecordedEvent): number {
  let weight = 1;
  const data = event.data;
  if (typeof data !== 'object' || data === null) return weight;
  for (const key in data) {
    const value = (data as Record<string, unknown>)[key];
    if (Array.isArray(value)) weight += value.length;
  }
  return weight;
}
