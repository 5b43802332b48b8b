import { dropSchema, schemaExists, shadowSchemaOf, type GlobalPosition, type Projection } from '@concert/infra';
import type { Knex } from 'knex';
import { lockRebuilds } from './rebuild-lock.js';
import { readShadowStamp, readShadowState } from './shadow-state.js';

export interface DiscardedShadow {
  projection: string;
  /** The schema dropped; undefined when the projection had no shadow tables. */
  schema?: string;
  /** The tables it held (the projection's copies and the rebuild's progress table). */
  tables?: string[];
  /** The feed position the shadow tables had reached. */
  position?: GlobalPosition;
  /** Whether a dry run left them (undefined: they carried no stamp). */
  dryRun?: boolean;
}

/**
 * Drops the shadow tables of `projections`, with their progress row, once no rebuild of them
 * runs (it takes the same lock as a rebuild); says what each had.
 */
export async function discardShadows(knex: Knex, projections: readonly Projection[]): Promise<DiscardedShadow[]> {
  const release = await lockRebuilds(knex, projections);
  try {
    const out: DiscardedShadow[] = [];
    for (const projection of projections) {
      const schema = shadowSchemaOf(projection.name);
      if (!(await schemaExists(knex, schema))) {
        out.push({ projection: projection.name });
        continue;
      }
      const { rows } = await knex.raw<{ rows: { name: string }[] }>(
        'SELECT tablename AS name FROM pg_tables WHERE schemaname = ? ORDER BY tablename',
        [schema],
      );
      const stamp = await readShadowStamp(knex, schema);
      const { position } = await readShadowState(knex, schema);
      await dropSchema(knex, schema);
      out.push({
        projection: projection.name,
        schema,
        tables: rows.map((r) => r.name),
        position,
        ...(stamp ? { dryRun: stamp.dryRun } : {}),
      });
    }
    return out;
  } finally {
    await release();
  }
}
