export const scheduleStreamCategory = 'schedule';

/** One stream per schedule, so that a hold finds its seat map by the schedule id alone. */
export function scheduleStreamId(scheduleId: string): string {
  return `${scheduleStreamCategory}-${scheduleId}`;
}
