import { walletDecider, walletStreamId } from '@concert/domain';
import type { GlobalPosition } from '@concert/infra';
import type { CommandContext } from '../command-loop/command-context.js';
import { handleCommand } from '../command-loop/handle-command.js';

/** Tops a wallet up. A repeated chargeId is a no-op, so a retried request never charges twice. */
export async function chargeWallet(
  ctx: CommandContext,
  input: { userId: string; chargeId: string; amount: number; maxAmount: number },
): Promise<{ balance: number; position: GlobalPosition | undefined }> {
  const charged = await handleCommand(
    ctx,
    walletStreamId(input.userId),
    walletDecider,
    { type: 'ChargeWallet', data: { ...input, now: ctx.now() } },
    // A wallet is contended only by its owner's own payments and charges: retry freely.
    { maxRetries: 10 },
  );
  return { balance: charged.state.balance, position: charged.position };
}
