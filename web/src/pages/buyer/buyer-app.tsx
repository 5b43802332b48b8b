import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, devLogin, newKey } from '../common/api.js';
import { SeatMap, type Seat } from './seat-map.js';

interface Concert {
  concertId: string;
  title: string;
  venue: string;
}
interface Schedule {
  scheduleId: string;
  startsAt: string;
  totalSeats: number;
  availableSeats: number;
}
interface QueueEntry {
  entryId: string;
  status: string;
  position: number;
  peopleAhead?: number;
  estimatedWaitSeconds: number;
  queueToken?: string;
  expiresAt?: string;
}
interface Reservation {
  reservationId: string;
  status: string;
  seatIds: string[];
  amount: number;
  expiresAt: string;
  paymentId?: string;
}

const MAX_SEATS = 4;
const QUEUE_POLL_MS = 1000;

/** The Retry-After of a waiting entry's answer, in ms (1 s when absent). */
function pollAfterMs(headers: Headers): number {
  const seconds = Number(headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : QUEUE_POLL_MS;
}
const SEATS_POLL_MS = 2000;

/** Keeps the buyer's session across reloads of the tab (sessionStorage: per tab). */
function stored(key: string): string | undefined {
  return sessionStorage.getItem(key) ?? undefined;
}

/**
 * The buyer's flow on the public API: dev login, concerts and dates, the waiting room, the
 * seat map, hold (with a countdown), wallet, pay (one Idempotency-Key per reservation, reused on
 * retry), cancel. Every error is shown as the problem's words.
 */
export function BuyerApp() {
  const [token, setToken] = useState<string | undefined>(stored('token'));
  const [userId, setUserId] = useState(stored('userId') ?? `fan-${newKey().slice(0, 6)}`);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [concerts, setConcerts] = useState<Concert[]>();
  const [concert, setConcert] = useState<Concert>();
  const [schedules, setSchedules] = useState<Schedule[]>();
  const [schedule, setSchedule] = useState<Schedule>();
  const [entry, setEntry] = useState<QueueEntry>();
  const [seats, setSeats] = useState<Seat[]>([]);
  const [consistency, setConsistency] = useState<string>();
  const [selected, setSelected] = useState<string[]>([]);
  const [reservation, setReservation] = useState<Reservation>();
  const [balance, setBalance] = useState<number>();
  const [charge, setCharge] = useState('50000');
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(Date.now());

  /** Runs one user action; its problem, if any, is shown in words. */
  const act = async (work: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      if (e instanceof ApiError && e.status === 401) logout();
    } finally {
      setBusy(false);
    }
  };

  const logout = (): void => {
    sessionStorage.clear();
    setToken(undefined);
    setConcert(undefined);
    setSchedule(undefined);
    setEntry(undefined);
    setReservation(undefined);
  };

  const login = () =>
    act(async () => {
      const accessToken = await devLogin(userId.trim());
      sessionStorage.setItem('token', accessToken);
      sessionStorage.setItem('userId', userId.trim());
      setToken(accessToken);
    });

  useEffect(() => {
    if (!token) return;
    void act(async () => {
      setConcerts((await api<Concert[]>('GET', '/concerts', { token })).body);
      setBalance((await api<{ balance: number }>('GET', '/me/wallet', { token })).body.balance);
    });
  }, [token]);

  const chooseConcert = (c: Concert) =>
    act(async () => {
      setConcert(c);
      setSchedule(undefined);
      setEntry(undefined);
      setSchedules((await api<Schedule[]>('GET', `/concerts/${c.concertId}/schedules?all=true`, { token })).body);
    });

  const joinQueue = (s: Schedule) =>
    act(async () => {
      setSchedule(s);
      const answer = await api<QueueEntry>('POST', '/queue/entries', {
        token,
        body: { concertId: concert!.concertId },
      });
      // Already admitted (queued again from another tab): the token comes with the entry's status.
      const admitted =
        answer.body.status === 'ADMITTED'
          ? await api<QueueEntry>('GET', `/queue/entries/${answer.body.entryId}`, { token })
          : undefined;
      setEntry(admitted ? { ...admitted.body, entryId: answer.body.entryId } : answer.body);
    });

  // The waiting room: poll the entry while it waits, at the pace its answers ask (Retry-After).
  useEffect(() => {
    if (!token || !entry || entry.status !== 'WAITING') return;
    let timer: ReturnType<typeof setTimeout>;
    let stopped = false;
    const poll = (afterMs: number): void => {
      timer = setTimeout(() => {
        api<QueueEntry>('GET', `/queue/entries/${entry.entryId}`, { token })
          .then((answer) => {
            if (stopped) return;
            setEntry({ ...answer.body, entryId: entry.entryId });
            if (answer.body.status === 'WAITING') poll(pollAfterMs(answer.headers));
          })
          .catch((e: unknown) => {
            setError(e instanceof ApiError ? e.message : String(e));
            if (!stopped) poll(QUEUE_POLL_MS);
          });
      }, afterMs);
    };
    poll(QUEUE_POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [token, entry?.entryId, entry?.status]);

  // Giving up: the slot (or the place in line) goes to the next fan at once.
  const leaveQueue = () =>
    act(async () => {
      const answer = await api<QueueEntry>('POST', `/queue/entries/${entry!.entryId}/leave`, { token });
      setEntry(answer.body);
      setSelected([]);
    });

  // The seat map, live: every 2 s, and at once after a command (with its consistency token).
  useEffect(() => {
    if (!token || !schedule || entry?.status !== 'ADMITTED') return;
    const load = (): void => {
      const headers: Record<string, string> = consistency ? { 'x-consistency-token': consistency } : {};
      api<Seat[]>('GET', `/schedules/${schedule.scheduleId}/seats`, { token, headers })
        .then((answer) => setSeats(answer.body))
        .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
    };
    load();
    const timer = setInterval(load, SEATS_POLL_MS);
    return () => clearInterval(timer);
  }, [token, schedule?.scheduleId, entry?.status, consistency]);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);

  const toggle = (seatId: string): void => {
    setSelected((current) => {
      if (current.includes(seatId)) return current.filter((id) => id !== seatId);
      if (current.length >= MAX_SEATS) {
        setError(`at most ${MAX_SEATS} seats per reservation`);
        return current;
      }
      return [...current, seatId];
    });
  };

  const queueHeaders = (): Record<string, string> => ({ 'queue-token': entry?.queueToken ?? '' });

  const hold = () =>
    act(async () => {
      const answer = await api<Reservation>('POST', '/reservations', {
        token,
        body: { scheduleId: schedule!.scheduleId, seatIds: selected },
        headers: queueHeaders(),
      });
      setReservation(answer.body);
      setSelected([]);
      setConsistency(answer.headers.get('x-consistency-token') ?? undefined);
    });

  const chargeWallet = () =>
    act(async () => {
      const amount = Number(charge);
      const answer = await api<{ balance: number }>('POST', '/wallet/charges', {
        token,
        body: { amount },
        headers: { 'idempotency-key': newKey() },
      });
      setBalance(answer.body.balance);
      setNotice(`wallet charged with ${amount}`);
    });

  const pay = () =>
    act(async () => {
      const r = reservation!;
      // One key per payment attempt, kept until the attempt has a definite answer: a retry after a
      // lost answer (network error, 5xx, key still in flight) replays instead of paying twice. After
      // a refusal (e.g. insufficient funds) the key's stored answer is that refusal: the next try
      // after charging the wallet is a new attempt with a new key.
      const keyName = `payment-key:${r.reservationId}`;
      const key = stored(keyName) ?? newKey();
      sessionStorage.setItem(keyName, key);
      let answer;
      try {
        answer = await api<{ paymentId: string; status: string; amount: number }>('POST', '/payments', {
          token,
          body: { reservationId: r.reservationId },
          headers: { ...queueHeaders(), 'idempotency-key': key },
        });
      } catch (e) {
        const retryable =
          e instanceof ApiError && (e.status === 0 || e.status >= 500 || e.problem.code === 'idempotency-key-in-use');
        if (!retryable) sessionStorage.removeItem(keyName);
        throw e;
      }
      sessionStorage.removeItem(keyName);
      setReservation({ ...r, status: 'CONFIRMED', paymentId: answer.body.paymentId });
      setConsistency(answer.headers.get('x-consistency-token') ?? undefined);
      setNotice(
        `paid ${answer.body.amount}: payment ${answer.body.paymentId}${answer.headers.get('idempotent-replayed') ? ' (replayed)' : ''}`,
      );
      setBalance(
        (
          await api<{ balance: number }>('GET', '/me/wallet', {
            token,
            headers: { 'x-consistency-token': answer.headers.get('x-consistency-token') ?? '' },
          })
        ).body.balance,
      );
    });

  const cancel = () =>
    act(async () => {
      const answer = await api<{ status: string }>('POST', `/reservations/${reservation!.reservationId}/cancel`, {
        token,
      });
      setReservation({ ...reservation!, status: answer.body.status });
      setConsistency(answer.headers.get('x-consistency-token') ?? undefined);
    });

  const secondsLeft = reservation ? Math.max(0, Math.ceil((Date.parse(reservation.expiresAt) - now) / 1000)) : 0;

  return (
    <>
      <header>
        <h1>Concert tickets</h1>
        <span class="muted">a client of the public API</span>
        {token && (
          <span class="who">
            {stored('userId')} · wallet <b data-testid="balance">{balance ?? '…'}</b>{' '}
            <button onClick={logout}>Log out</button>
          </span>
        )}
      </header>
      <main>
        {error && (
          <div class="error" role="alert" data-testid="error">
            {error}
          </div>
        )}
        {notice && (
          <div class="ok" data-testid="notice">
            {notice}
          </div>
        )}
        {!token && (
          <section>
            <h2>Log in (development)</h2>
            <div class="row">
              <label>
                User id <input value={userId} onInput={(e) => setUserId(e.currentTarget.value)} data-testid="user-id" />
              </label>
              <button class="primary" onClick={login} disabled={busy || !userId.trim()} data-testid="login">
                Log in
              </button>
            </div>
            <p class="muted">
              POST /auth/token: only when the gateway runs with AUTH_DEV_LOGIN=true (as under npm start).
            </p>
          </section>
        )}
        {token && (
          <section>
            <h2>Concerts</h2>
            {concerts?.length === 0 && (
              <p class="muted">
                No concerts yet: run <code>npm run seed</code>.
              </p>
            )}
            <div class="row">
              {concerts?.map((c) => (
                <button
                  key={c.concertId}
                  class={concert?.concertId === c.concertId ? 'primary' : ''}
                  onClick={() => chooseConcert(c)}
                  data-testid="concert"
                >
                  {c.title} <span class="muted">· {c.venue}</span>
                </button>
              ))}
            </div>
            {concert && schedules && (
              <>
                <h2 style="margin-top: 12px">Dates</h2>
                <div class="row">
                  {schedules.map((s) => (
                    <button
                      key={s.scheduleId}
                      class={schedule?.scheduleId === s.scheduleId ? 'primary' : ''}
                      onClick={() => joinQueue(s)}
                      disabled={busy}
                      data-testid="schedule"
                    >
                      {new Date(s.startsAt).toLocaleString()}{' '}
                      <span class="muted">
                        · {s.availableSeats}/{s.totalSeats} left
                      </span>
                    </button>
                  ))}
                </div>
              </>
            )}
          </section>
        )}
        {entry && entry.status !== 'ADMITTED' && (
          <section data-testid="queue">
            <h2>Waiting room</h2>
            {entry.status === 'WAITING' ? (
              <p>
                Position <b class="big">{entry.position}</b> · {entry.peopleAhead ?? '…'} ahead of you · about{' '}
                <b>{entry.estimatedWaitSeconds}</b> s{' '}
                <button data-testid="leave-queue" onClick={leaveQueue} disabled={busy}>
                  Leave the queue
                </button>
              </p>
            ) : (
              <p>
                <span data-testid="queue-over">
                  Your admission {entry.status === 'EXPIRED' ? 'window ended' : 'is over'}.
                </span>{' '}
                <button onClick={() => joinQueue(schedule!)}>Queue again</button>
              </p>
            )}
          </section>
        )}
        {entry?.status === 'ADMITTED' && schedule && (
          <section>
            <h2>
              Seats{' '}
              <span class="pill good" data-testid="admitted">
                admitted
              </span>{' '}
              {entry.expiresAt && <span class="muted">until {new Date(entry.expiresAt).toLocaleTimeString()}</span>}{' '}
              <button data-testid="leave-queue" onClick={leaveQueue} disabled={busy}>
                Leave
              </button>
            </h2>
            <SeatMap
              seats={seats}
              selected={selected}
              onToggle={toggle}
              disabled={busy || reservation?.status === 'HELD'}
            />
            <div class="row" style="margin-top: 10px">
              <span>
                {selected.length} of up to {MAX_SEATS} picked{selected.length > 0 && `: ${selected.join(', ')}`}
              </span>
              <button
                class="primary"
                onClick={hold}
                disabled={busy || selected.length === 0 || reservation?.status === 'HELD'}
                data-testid="hold"
              >
                Hold
              </button>
            </div>
          </section>
        )}
        {reservation && (
          <section data-testid="reservation">
            <h2>
              Reservation{' '}
              <span class="pill" data-testid="reservation-status">
                {reservation.status}
              </span>
            </h2>
            <p>
              Seats {reservation.seatIds.join(', ')} · amount <b>{reservation.amount}</b>
              {reservation.status === 'HELD' && (
                <>
                  {' '}
                  · held for{' '}
                  <span class="countdown" data-testid="countdown">
                    {Math.floor(secondsLeft / 60)}:{String(secondsLeft % 60).padStart(2, '0')}
                  </span>
                </>
              )}
            </p>
            {reservation.status === 'HELD' && (
              <div class="row">
                <label>
                  Charge wallet{' '}
                  <input
                    value={charge}
                    onInput={(e) => setCharge(e.currentTarget.value)}
                    size={8}
                    data-testid="charge-amount"
                  />
                </label>
                <button onClick={chargeWallet} disabled={busy} data-testid="charge">
                  Charge
                </button>
                <button class="primary" onClick={pay} disabled={busy} data-testid="pay">
                  Pay {reservation.amount}
                </button>
                <button onClick={cancel} disabled={busy} data-testid="cancel">
                  Cancel
                </button>
              </div>
            )}
          </section>
        )}
      </main>
    </>
  );
}
