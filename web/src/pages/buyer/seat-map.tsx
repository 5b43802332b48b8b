export interface Seat {
  seatId: string;
  grade: string;
  price: number;
  status: 'AVAILABLE' | 'HELD' | 'SOLD';
}

/** Seats grouped into rows by the label before the dash (`A-12` -> row A), in label order. */
function rowsOf(seats: readonly Seat[]): [string, Seat[]][] {
  const rows = new Map<string, Seat[]>();
  for (const seat of seats) {
    const row = seat.seatId.includes('-') ? seat.seatId.slice(0, seat.seatId.lastIndexOf('-')) : '';
    rows.set(row, [...(rows.get(row) ?? []), seat]);
  }
  const number = (id: string): number => Number(id.slice(id.lastIndexOf('-') + 1)) || 0;
  return [...rows].map(([row, list]) => [
    row,
    list.sort((a, b) => number(a.seatId) - number(b.seatId) || a.seatId.localeCompare(b.seatId)),
  ]);
}

/** The seat map: one button per seat, coloured by status; AVAILABLE seats toggle the selection. */
export function SeatMap(props: {
  seats: readonly Seat[];
  selected: readonly string[];
  onToggle: (seatId: string) => void;
  disabled: boolean;
}) {
  return (
    <div>
      <div class="legend muted">
        <span>
          <i style="background: var(--available)" /> available
        </span>
        <span>
          <i style="background: var(--held)" /> held
        </span>
        <span>
          <i style="background: var(--sold)" /> sold
        </span>
        <span>
          <i style="border: 2px solid var(--mine)" /> your pick
        </span>
      </div>
      <div class="seats" data-testid="seat-map">
        {rowsOf(props.seats).map(([row, seats]) => (
          <div class="seat-row" key={row}>
            <span class="label">{row}</span>
            {seats.map((seat) => (
              <button
                key={seat.seatId}
                class={`seat ${seat.status}${props.selected.includes(seat.seatId) ? ' selected' : ''}`}
                data-seat={seat.seatId}
                data-status={seat.status}
                title={`${seat.seatId} · ${seat.grade} · ${seat.price} · ${seat.status}`}
                disabled={props.disabled || (seat.status !== 'AVAILABLE' && !props.selected.includes(seat.seatId))}
                onClick={() => props.onToggle(seat.seatId)}
              >
                {seat.seatId.slice(seat.seatId.lastIndexOf('-') + 1)}
              </button>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
