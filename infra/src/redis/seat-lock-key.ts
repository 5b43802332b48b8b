/**
 * `lock:{scheduleId}:seat:A-12`. The braces are a Redis Cluster hash tag: only the schedule id
 * is hashed, so one hold's keys share a slot and one Lua script may touch them all (no CROSSSLOT).
 */
export function seatLockKey(scheduleId: string, seatId: string): string {
  return `lock:{${scheduleId}}:seat:${seatId}`;
}
