export const reservationStreamCategory = 'reservation';

export function reservationStreamId(reservationId: string): string {
  return `${reservationStreamCategory}-${reservationId}`;
}
