/**
 * Redis keys of the query API's cache-aside entries. Projectors delete the keys an event
 * makes stale right after committing it, so a change shows within the projection lag, not
 * a TTL. One definition for both sides.
 */
export const cacheKeys = {
  concertList: (): string => 'cache:concerts',
  concertSchedules: (concertId: string): string => `cache:concert:{${concertId}}:schedules`,
  scheduleSeats: (scheduleId: string): string => `cache:schedule:{${scheduleId}}:seats`,
};

/**
 * Every key of each kind above starts with one of these: what a rebuild deletes after swapping
 * the catalog's tables (the keys are per concert or schedule, so one by one is no option).
 */
export const catalogCachePrefixes: readonly string[] = ['cache:concerts', 'cache:concert:', 'cache:schedule:'];
