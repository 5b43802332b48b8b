/** GET /admin/console/snapshot, as gateway/src/console/console-snapshot.ts builds it. */
export interface Snapshot {
  at: string;
  intervalSeconds: number | null;
  system: {
    holdsPerSecond: number | null;
    conflictsPerSecond: number | null;
    paymentsPerSecond: number | null;
    routes: {
      process: string;
      method: string;
      route: string;
      requestsPerSecond: number | null;
      p99Ms: number | null;
    }[];
  };
  concerts: ConcertView[] | { error: string };
  projections: { projections: ProjectionView[]; parked: ParkedView[]; parkedTotal: number } | { error: string };
  relay: { process: string; url: string; leader: boolean; lagSeconds: number | null }[];
  expiry: { pending: number; overdue: number; latenessP99Seconds: number | null; settled: number };
  processes: { name: string; kind: string; url: string; ready: boolean; checks: Record<string, string> }[];
}

export interface ConcertView {
  concertId: string;
  title: string;
  venue: string;
  waitingRoom:
    | { waiting: number; admitted: number; admissionRatePerSecond: number; lastInLineWaitSeconds: number }
    | { error: string };
  schedules: {
    scheduleId: string;
    startsAt: string;
    totalSeats: number;
    available: number;
    held: number;
    sold: number;
    salesByMinute: { minute: string; seatsSold: number }[];
  }[];
}

export interface ProjectionView {
  projector: string;
  lagEvents: number;
  lagAtLeast: boolean;
  lagSeconds: number;
  parked: number;
}

export interface ParkedView {
  id: number;
  projection: string;
  eventType: string;
  streamId: string;
  attempts: number;
  error: string;
}
