import { concertDecider, concertStreamId } from '@concert/domain';
import type { GlobalPosition } from '@concert/infra';
import type { CommandContext } from '../command-loop/command-context.js';
import { handleCommand } from '../command-loop/handle-command.js';

export async function createConcert(
  ctx: CommandContext,
  input: { concertId: string; title: string; venue: string },
): Promise<{ position: GlobalPosition }> {
  const created = await handleCommand(ctx, concertStreamId(input.concertId), concertDecider, {
    type: 'CreateConcert',
    data: input,
  });
  return { position: created.position! };
}
