import { concertDecider, concertStreamId, scheduleDecider, scheduleStreamId, type ScheduleSeat } from '@concert/domain';
import type { GlobalPosition } from '@concert/infra';
import type { CommandContext } from '../command-loop/command-context.js';
import { handleCommand, loadStream } from '../command-loop/handle-command.js';

/**
 * Adds a date with its seat map (up to 5,000 seats) to a concert, as a stream of its own so
 * that a hold finds it by id. A concert is never deleted, so checking it first cannot go stale.
 */
export async function addSchedule(
  ctx: CommandContext,
  input: { concertId: string; scheduleId: string; startsAt: string; seats: readonly ScheduleSeat[] },
): Promise<{ position: GlobalPosition }> {
  const { state: concert } = await loadStream(ctx, concertStreamId(input.concertId), concertDecider);
  const added = await handleCommand(ctx, scheduleStreamId(input.scheduleId), scheduleDecider, {
    type: 'AddSchedule',
    data: { ...input, concertExists: concert.status !== 'Empty' },
  });
  return { position: added.position! };
}
