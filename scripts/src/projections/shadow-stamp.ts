import { describeTables, LIVE_SCHEMA, type EventStore, type Projection } from '@concert/infra';
import type { Knex } from 'knex';
import { createHash } from 'node:crypto';
import type { ShadowStamp } from './shadow-state.js';

/**
 * The stamp shadow tables built now would get: the projection's name and declared version, a
 * fingerprint of what else decides their rows (its handled event types and the live tables'
 * definitions), and the feed they are built from (the id of its first event).
 */
export async function currentStamp(
  knex: Knex,
  eventStore: EventStore,
  projection: Projection,
  dryRun: boolean,
): Promise<ShadowStamp> {
  const [first] = await eventStore.readAll({ maxCount: 1 });
  return {
    projection: projection.name,
    version: projection.version,
    fingerprint: await fingerprintOf(knex, projection, LIVE_SCHEMA),
    feedOrigin: first?.id ?? null,
    dryRun,
  };
}

/** The fingerprint of `projection` with its tables as defined in `schema` (live or shadow). */
export async function fingerprintOf(knex: Knex, projection: Projection, schema: string): Promise<string> {
  const handles = [...projection.handles].sort().join(',');
  const tables = await describeTables(knex, schema, projection.tables);
  return createHash('sha256').update(`handles ${handles}\n${tables}`).digest('hex');
}

/**
 * Why existing shadow tables must not be resumed, or undefined when their stamp matches
 * exactly. `found` is their stamp (undefined: they have none), `shadowFingerprint` the
 * fingerprint of their own definitions now. A live rebuild never resumes a dry run's tables:
 * they may have been kept for inspection, and what goes live must be what the feed built.
 */
export function restartReason(
  found: ShadowStamp | undefined,
  wanted: ShadowStamp,
  shadowFingerprint: string,
): string | undefined {
  if (!found) return 'they carry no stamp of what built them';
  if (found.projection !== wanted.projection) return `they were built for the projection "${found.projection}"`;
  if (found.version !== wanted.version)
    return `they were built by version ${found.version} of the projection, this is version ${wanted.version}`;
  if (found.fingerprint !== wanted.fingerprint)
    return "the projection's event types or the live tables' definitions changed since they were built";
  if (shadowFingerprint !== wanted.fingerprint) return "their definitions no longer match the live tables'";
  if (found.feedOrigin !== wanted.feedOrigin) return 'they were built from another feed (its first event differs)';
  if (found.dryRun && !wanted.dryRun)
    return 'a dry run left them, and a live rebuild never swaps in tables a dry run left';
  return undefined;
}
