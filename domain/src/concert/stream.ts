export const concertStreamCategory = 'concert';

export function concertStreamId(concertId: string): string {
  return `${concertStreamCategory}-${concertId}`;
}
