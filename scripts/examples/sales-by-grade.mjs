/**
 * A replay module: seats sold and revenue per concert and seat grade, from history alone.
 *
 *   npm run -s events -- replay --projection scripts/examples/sales-by-grade.mjs \
 *     --type ConcertCreated --type ScheduleAdded --type SeatSold
 *
 * ScheduleAdded carries each seat's grade and price; SeatSold says which seat was sold
 * (a seat is sold once, after its payment confirmed). Events arrive in global feed order,
 * so a schedule is always known before its seats are sold. The state is plain data; the
 * functions could as well be async.
 */

/** @typedef {{ seatsSold: number, revenue: number }} Sales */
/** @typedef {{ title: string | null, seatsSold: number, revenue: number, grades: Record<string, Sales> }} ConcertSales */
/** @typedef {{ concerts: Map<string, ConcertSales>, seats: Map<string, { concertId: string, grade: string, price: number }> }} State */

/** @returns {State} */
export function init() {
  return { concerts: new Map(), seats: new Map() };
}

/**
 * @param {State} state
 * @param {{ type: string, data: any }} event  an exported event: position, streamId, revision, type, id, time, data, metadata
 */
export function apply(state, event) {
  switch (event.type) {
    case 'ConcertCreated':
      concert(state, event.data.concertId).title = event.data.title;
      break;
    case 'ScheduleAdded':
      for (const seat of event.data.seats) {
        state.seats.set(`${event.data.scheduleId}/${seat.seatId}`, {
          concertId: event.data.concertId,
          grade: seat.grade,
          price: seat.price,
        });
      }
      break;
    case 'SeatSold': {
      const seat = state.seats.get(`${event.data.scheduleId}/${event.data.seatId}`);
      if (!seat) break;
      const sales = concert(state, seat.concertId);
      const grade = (sales.grades[seat.grade] ??= { seatsSold: 0, revenue: 0 });
      grade.seatsSold += 1;
      grade.revenue += seat.price;
      sales.seatsSold += 1;
      sales.revenue += seat.price;
      break;
    }
  }
  return state;
}

/** @param {State} state */
export function result(state) {
  return Object.fromEntries(state.concerts);
}

/** @param {State} state @param {string} concertId */
function concert(state, concertId) {
  let sales = state.concerts.get(concertId);
  if (!sales) {
    sales = { title: null, seatsSold: 0, revenue: 0, grades: {} };
    state.concerts.set(concertId, sales);
  }
  return sales;
}
