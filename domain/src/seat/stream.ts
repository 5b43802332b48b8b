export const seatStreamCategory = 'seat';

/** One stream per seat and schedule: its expected revision is the fence against double holds. */
export function seatStreamId(scheduleId: string, seatId: string): string {
  return `${seatStreamCategory}-${scheduleId}.${seatId}`;
}
