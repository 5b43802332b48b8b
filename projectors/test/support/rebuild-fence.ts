import { lockProjectionExclusive } from '@concert/infra';
import type { Knex } from 'knex';

/**
 * What a rebuild's swap does to a live projection, held open: its fence taken exclusively (the
 * checkpoint row left free, so only the fence can hold the projector). Resolves once the fence
 * is held, with the release: the swap then moves the checkpoint to `to` (past events the new
 * tables already contain) and commits.
 */
export async function holdRebuildFence(
  knex: Knex,
  projection: string,
  to: { position: number; streamSequence: number },
): Promise<() => void> {
  let release!: () => void;
  await new Promise<void>((held) => {
    void knex.transaction(async (trx) => {
      await lockProjectionExclusive(trx, projection);
      held();
      await new Promise<void>((released) => (release = released));
      await trx('projection_checkpoints')
        .where({ projection })
        .update({
          commit_position: String(to.position),
          prepare_position: String(to.position),
          stream_sequence: to.streamSequence,
        });
    });
  });
  return release;
}
