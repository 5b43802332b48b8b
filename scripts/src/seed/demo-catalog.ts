import { createHash } from 'node:crypto';
import type { ScheduleSeat } from '@concert/domain';

/** The demo data `npm run seed` writes: fixed ids, so a second run finds what the first made. */
export interface DemoConcert {
  concertId: string;
  title: string;
  venue: string;
  schedules: { scheduleId: string; startsAt: string; seats: ScheduleSeat[] }[];
}

/** A name-based UUID (version 5 layout over SHA-1), the same on every run and machine. */
export function demoId(name: string): string {
  const hex = createHash('sha1').update(`concert-demo:${name}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const GRADES = [
  { grade: 'VIP', price: 150_000 },
  { grade: 'R', price: 120_000 },
  { grade: 'S', price: 90_000 },
  { grade: 'A', price: 60_000 },
] as const;

/** Rows A, B, ... of `perRow` seats; the front rows are the dearer grades. */
export function seatMap(rows: number, perRow: number): ScheduleSeat[] {
  const seats: ScheduleSeat[] = [];
  for (let r = 0; r < rows; r++) {
    const row = String.fromCharCode(65 + (r % 26)) + (r >= 26 ? String(Math.floor(r / 26)) : '');
    const { grade, price } = GRADES[Math.min(GRADES.length - 1, Math.floor((r * GRADES.length) / rows))]!;
    for (let n = 1; n <= perRow; n++) seats.push({ seatId: `${row}-${n}`, grade, price });
  }
  return seats;
}

export function demoCatalog(options: { rows: number; perRow: number }): DemoConcert[] {
  const concerts = [
    {
      key: 'iu-2027',
      title: 'IU World Tour 2027',
      venue: 'Seoul Olympic Stadium',
      dates: ['2027-05-15T19:00:00.000Z', '2027-05-16T18:00:00.000Z'],
    },
    { key: 'bts-2027', title: 'BTS Reunion', venue: 'Busan Asiad Stadium', dates: ['2027-06-20T19:30:00.000Z'] },
    {
      key: 'jazz-2027',
      title: 'Seoul Jazz Night',
      venue: 'Sejong Center',
      dates: ['2027-07-01T20:00:00.000Z', '2027-07-02T20:00:00.000Z'],
    },
  ];
  const seats = seatMap(options.rows, options.perRow);
  return concerts.map((c) => ({
    concertId: demoId(c.key),
    title: c.title,
    venue: c.venue,
    schedules: c.dates.map((startsAt) => ({ scheduleId: demoId(`${c.key}:${startsAt}`), startsAt, seats })),
  }));
}
