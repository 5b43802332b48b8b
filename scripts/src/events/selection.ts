import type { FeedFilter, GlobalPosition } from '@concert/infra';

/**
 * Which events an export or a replay reads, in global feed order. Positions are the half-open
 * range (after, until], like checkpoints: chaining `--from-position` of one export with the
 * `--to-position` of the previous never repeats or skips an event. Times are [from, before).
 */
export interface Selection {
  filter: FeedFilter;
  after?: GlobalPosition;
  until?: GlobalPosition;
  recordedFrom?: Date;
  recordedBefore?: Date;
  /** Stop after this many events. */
  limit?: number;
}
