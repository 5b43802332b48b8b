import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, devLogin } from '../common/api.js';
import { RateChart } from './rate-chart.js';
import type { ConcertView, ParkedView, ProjectionView, Snapshot } from './snapshot.js';

const POLL_MS = 2000;
/** Points of the system chart kept in the page (10 minutes at one every 2 s). */
const HISTORY = 300;

const fixed = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

type History = [number[], (number | null)[], (number | null)[], (number | null)[]];

/**
 * The ops console: asks for an admin token (dev login with the admin role, or a pasted token),
 * then polls GET /admin/console/snapshot every 2 s and shows it; 401/403 are shown in words.
 */
export function ConsoleApp() {
  const [token, setToken] = useState<string | undefined>(sessionStorage.getItem('adminToken') ?? undefined);
  const [userId, setUserId] = useState('ops-admin');
  const [pasted, setPasted] = useState('');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [history, setHistory] = useState<History>([[], [], [], []]);

  const use = (accessToken: string): void => {
    sessionStorage.setItem('adminToken', accessToken);
    setToken(accessToken);
    setError(undefined);
  };

  useEffect(() => {
    if (!token) return;
    let stopped = false;
    const poll = async (): Promise<void> => {
      try {
        const { body } = await api<Snapshot>('GET', '/admin/console/snapshot', { token });
        if (stopped) return;
        setSnapshot(body);
        setError(undefined);
        const t = Date.parse(body.at) / 1000;
        setHistory(([x, holds, conflicts, payments]) => [
          [...x, t].slice(-HISTORY),
          [...holds, body.system.holdsPerSecond].slice(-HISTORY),
          [...conflicts, body.system.conflictsPerSecond].slice(-HISTORY),
          [...payments, body.system.paymentsPerSecond].slice(-HISTORY),
        ]);
      } catch (e) {
        if (stopped) return;
        setError(e instanceof ApiError ? e.message : String(e));
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
          sessionStorage.removeItem('adminToken');
          setToken(undefined);
        }
      }
    };
    // One request at a time: a slow snapshot delays the next one instead of piling up.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async (): Promise<void> => {
      await poll();
      if (!stopped) timer = setTimeout(() => void loop(), POLL_MS);
    };
    void loop();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [token]);

  const retry = async (parked: ParkedView): Promise<void> => {
    try {
      const { body } = await api<{ outcome: string; error?: string }>(
        'POST',
        `/admin/console/parked/${parked.id}/retry`,
        { token },
      );
      setNotice(
        body.outcome === 'applied'
          ? `parked event ${parked.id} applied`
          : `parked event ${parked.id} failed again: ${body.error ?? ''}`,
      );
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  return (
    <>
      <header>
        <h1>Ops console</h1>
        <span class="muted">
          live every {POLL_MS / 1000} s{snapshot && ` · ${new Date(snapshot.at).toLocaleTimeString()}`}
        </span>
        {token && (
          <span class="who">
            <button onClick={() => (sessionStorage.removeItem('adminToken'), setToken(undefined))}>Log out</button>
          </span>
        )}
      </header>
      <main>
        {error && (
          <div class="error" role="alert" data-testid="error">
            {error}
          </div>
        )}
        {notice && <div class="ok">{notice}</div>}
        {!token && (
          <section>
            <h2>Admin login</h2>
            <div class="row">
              <label>
                User id <input value={userId} onInput={(e) => setUserId(e.currentTarget.value)} />
              </label>
              <button
                class="primary"
                data-testid="admin-login"
                onClick={() =>
                  devLogin(userId, ['admin']).then(use, (e: unknown) =>
                    setError(e instanceof ApiError ? e.message : String(e)),
                  )
                }
              >
                Dev login as admin
              </button>
            </div>
            <div class="row" style="margin-top: 8px">
              <label>
                or a token{' '}
                <input
                  value={pasted}
                  onInput={(e) => setPasted(e.currentTarget.value)}
                  size={50}
                  placeholder="npm run -s token -- --user ops --admin"
                />
              </label>
              <button onClick={() => use(pasted.trim())} disabled={!pasted.trim()}>
                Use token
              </button>
            </div>
          </section>
        )}
        {snapshot && <Dashboard snapshot={snapshot} history={history} onRetry={retry} />}
      </main>
    </>
  );
}

function Dashboard(props: { snapshot: Snapshot; history: History; onRetry: (parked: ParkedView) => Promise<void> }) {
  const { snapshot: s } = props;
  return (
    <>
      <section data-testid="processes">
        <h2>Processes</h2>
        <div class="row">
          {s.processes.map((p) => (
            <span
              key={p.url}
              class={`pill ${p.ready ? 'good' : 'bad'}`}
              title={Object.entries(p.checks)
                .map(([k, v]) => `${k}: ${v}`)
                .join('\n')}
              data-testid="process"
            >
              {p.name}{' '}
              {p.ready
                ? 'ready'
                : `DOWN (${Object.entries(p.checks)
                    .filter(([, v]) => v !== 'ok')
                    .map(([k, v]) => `${k}: ${v}`)
                    .join('; ')})`}
            </span>
          ))}
        </div>
      </section>
      <section>
        <h2>System</h2>
        <div class="stats">
          <Stat label="holds / s" value={fixed(s.system.holdsPerSecond)} />
          <Stat label="409s / s" value={fixed(s.system.conflictsPerSecond)} />
          <Stat label="payments / s" value={fixed(s.system.paymentsPerSecond)} />
          <Stat
            label="expiry backlog (overdue)"
            value={`${s.expiry.pending} (${s.expiry.overdue})`}
            testid="expiry-backlog"
          />
          <Stat
            label="expiry lateness p99"
            value={s.expiry.latenessP99Seconds === null ? '—' : `${fixed(s.expiry.latenessP99Seconds, 2)} s`}
          />
          {s.relay.map((r) => (
            <Stat
              key={r.url}
              label={`relay ${r.process}`}
              value={`${r.leader ? 'leader' : 'standby'} · lag ${r.lagSeconds === null ? '—' : `${fixed(r.lagSeconds)} s`}`}
              testid="relay"
            />
          ))}
        </div>
        <RateChart
          series={[
            { label: 'holds/s', color: '#2e9e5b' },
            { label: '409s/s', color: '#c0392b' },
            { label: 'payments/s', color: '#2f6fde' },
          ]}
          data={props.history}
        />
      </section>
      <Concerts concerts={s.concerts} />
      <Projections projections={s.projections} onRetry={props.onRetry} />
      <section>
        <h2>
          Latency by route{' '}
          {s.intervalSeconds !== null && <span class="muted">(last {fixed(s.intervalSeconds, 0)} s)</span>}
        </h2>
        <table>
          <thead>
            <tr>
              <th>process</th>
              <th>route</th>
              <th class="num">req/s</th>
              <th class="num">p99 ms</th>
            </tr>
          </thead>
          <tbody>
            {s.system.routes
              .filter((r) => r.requestsPerSecond !== 0)
              .map((r) => (
                <tr key={`${r.process} ${r.method} ${r.route}`}>
                  <td>{r.process}</td>
                  <td>
                    {r.method} {r.route}
                  </td>
                  <td class="num">{fixed(r.requestsPerSecond)}</td>
                  <td class="num">{fixed(r.p99Ms)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function Stat(props: { label: string; value: string; testid?: string }) {
  return (
    <div class="stat" data-testid={props.testid}>
      <div class="label">{props.label}</div>
      <div class="big">{props.value}</div>
    </div>
  );
}

function Concerts(props: { concerts: Snapshot['concerts'] }) {
  if ('error' in props.concerts)
    return (
      <section>
        <h2>Concerts</h2>
        <div class="error">{props.concerts.error}</div>
      </section>
    );
  return (
    <section>
      <h2>Concerts</h2>
      {props.concerts.length === 0 && <p class="muted">No concerts yet.</p>}
      {props.concerts.map((c) => (
        <ConcertRow key={c.concertId} concert={c} />
      ))}
    </section>
  );
}

function ConcertRow({ concert: c }: { concert: ConcertView }) {
  const room = c.waitingRoom;
  return (
    <div style="margin-bottom: 12px" data-testid="concert" data-concert={c.concertId}>
      <h3 style="margin: 4px 0; font-size: 14px">
        {c.title} <span class="muted">· {c.venue}</span>
      </h3>
      {'error' in room ? (
        <div class="error">waiting room: {room.error}</div>
      ) : (
        <p class="muted" style="margin: 2px 0" data-testid="waiting-room">
          waiting room: <b>{room.waiting}</b> waiting · <b>{room.admitted}</b> admitted ·{' '}
          {fixed(room.admissionRatePerSecond)} admitted/s · last in line ≈ {room.lastInLineWaitSeconds} s
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>date</th>
            <th class="num">available</th>
            <th class="num">held</th>
            <th class="num">sold</th>
            <th class="num">sold last min</th>
            <th>sales per minute (30 min)</th>
          </tr>
        </thead>
        <tbody>
          {c.schedules.map((s) => {
            const lastMinute = s.salesByMinute.find((m) => Date.now() - Date.parse(m.minute) < 120_000)?.seatsSold ?? 0;
            return (
              <tr key={s.scheduleId} data-testid="schedule" data-schedule={s.scheduleId}>
                <td>{new Date(s.startsAt).toLocaleString()}</td>
                <td class="num" data-testid="available">
                  {s.available}
                </td>
                <td class="num" data-testid="held">
                  {s.held}
                </td>
                <td class="num" data-testid="sold">
                  {s.sold}
                </td>
                <td class="num">{lastMinute}</td>
                <td>
                  {s.salesByMinute
                    .map(
                      (m) =>
                        `${new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${m.seatsSold}`,
                    )
                    .join(' · ') || '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Projections(props: { projections: Snapshot['projections']; onRetry: (parked: ParkedView) => Promise<void> }) {
  const p = props.projections;
  if ('error' in p)
    return (
      <section>
        <h2>Projections</h2>
        <div class="error">{p.error}</div>
      </section>
    );
  return (
    <section data-testid="projections">
      <h2>Projections</h2>
      <table>
        <thead>
          <tr>
            <th>projector</th>
            <th class="num">lag events</th>
            <th class="num">lag s</th>
            <th class="num">parked</th>
          </tr>
        </thead>
        <tbody>
          {p.projections.map((row: ProjectionView) => (
            <tr key={row.projector}>
              <td>{row.projector}</td>
              <td class="num">
                {row.lagAtLeast ? '≥' : ''}
                {row.lagEvents}
              </td>
              <td class="num">{fixed(row.lagSeconds)}</td>
              <td class="num">{row.parked > 0 ? <span class="pill bad">{row.parked}</span> : 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.parked.length > 0 && (
        <>
          <h3 style="font-size: 14px">Parked events ({p.parkedTotal})</h3>
          <p class="muted">
            A retry applies the event after every later one: check its stream first (README, Parked events).
          </p>
          <table>
            <tbody>
              {p.parked.map((e) => (
                <tr key={e.id}>
                  <td>{e.id}</td>
                  <td>{e.projection}</td>
                  <td>{e.eventType}</td>
                  <td>{e.streamId}</td>
                  <td>{e.attempts}</td>
                  <td>{e.error}</td>
                  <td>
                    <button onClick={() => void props.onRetry(e)}>Retry</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
