/**
 * A place in the global feed. Both stores order their feed by the pair (commit, prepare):
 * EventStoreDB's transaction-log positions, and for PostgreSQL (transaction id, sequence number),
 * which is the order in which events become safely readable (docs/architecture.md, 'The gap-safe
 * PostgreSQL feed').
 */
export interface GlobalPosition {
  commit: bigint;
  prepare: bigint;
}

export const START: GlobalPosition = Object.freeze({ commit: 0n, prepare: 0n }) as GlobalPosition;

export function comparePositions(a: GlobalPosition, b: GlobalPosition): -1 | 0 | 1 {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** `commit.prepare` in decimal: the form of consistency tokens and stored checkpoints. */
export function formatPosition(p: GlobalPosition): string {
  return `${p.commit}.${p.prepare}`;
}

const TOKEN = /^(\d{1,20})\.(\d{1,20})$/;

/** Both stores' positions are unsigned 64-bit numbers: a larger one cannot exist. */
const MAX_POSITION = 2n ** 64n - 1n;

/** Parses `formatPosition` output; returns undefined for anything else. */
export function parsePosition(token: string): GlobalPosition | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const position = { commit: BigInt(m[1]!), prepare: BigInt(m[2]!) };
  return position.commit > MAX_POSITION || position.prepare > MAX_POSITION ? undefined : position;
}
