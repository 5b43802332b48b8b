export const walletStreamCategory = 'wallet';

export function walletStreamId(userId: string): string {
  return `${walletStreamCategory}-${userId}`;
}
