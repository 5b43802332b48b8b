import { concertDecider, concertStreamId } from '@concert/domain';
import type { GlobalPosition } from '../event-store/global-position.js';
import type { CommandContext } from './command-context.js';
import { handleCommand } from './handle-command.js';

export async function createConcert(
  ctx: CommandContext,
  input: { concertId: string; title: string; venue: string },
): Promise<{ position: GlobalPosition }> {
  const created = await handleCommand(ctx, concertStreamId(input.concertId), concertDecider, { type: 'CreateConcert', data: input });
  return { position: created.position! };
}
