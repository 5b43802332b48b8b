/**
 * Redis keys of the waiting room (relative to REDIS_KEY_PREFIX, which ioredis prepends).
 * Every key of one concert carries the hash tag `{concertId}`, so one Lua script may touch
 * them all on Redis Cluster (one slot, no CROSSSLOT).
 */
export const waitingRoomKeys = {
  /** HASH: `seq` (last position handed out), `serving` (positions <= it were admitted), `tickAt`, `carry`, `rate`. */
  state: (concertId: string): string => `queue:{${concertId}}:state`,
  /** HASH userId -> `<position>:<entryId>[:C]`: the user's current entry (`:C` once a purchase or leaving ended it). */
  users: (concertId: string): string => `queue:{${concertId}}:users`,
  /** ZSET position -> the end of its admission window (ms): the admitted users, nobody else. */
  admitted: (concertId: string): string => `queue:{${concertId}}:admitted`,
  /** SET of positions whose fan left while still waiting: the tick passes them without giving them a slot. */
  left: (concertId: string): string => `queue:{${concertId}}:left`,
  /** STRING `<concertId> <userId>`: what GET /queue/entries/{entryId} needs to find the entry. */
  entry: (entryId: string): string => `queue:entry:{${entryId}}`,
  /** SET of concerts with users waiting or admitted: what the ticker advances. */
  active: (): string => 'queue:active',
};
