import type { FeedFilter, RecordedEvent } from '../event-store.js';

/** Whether an event is in the selection: it must match every list the filter gives. */
export function matchesFeedFilter(event: RecordedEvent, filter: FeedFilter | undefined): boolean {
  if (filter?.categories?.length && !filter.categories.includes(event.category)) return false;
  if (filter?.eventTypes?.length && !filter.eventTypes.includes(event.type)) return false;
  if (filter?.streamIds?.length && !filter.streamIds.includes(event.streamId)) return false;
  return true;
}
