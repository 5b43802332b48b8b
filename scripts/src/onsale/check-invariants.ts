import { spawn } from 'node:child_process';
import pg from 'pg';
import type { FanLedger } from './drive-on-sale.js';

export interface InvariantResult {
  name: string;
  ok: boolean;
  /** What was checked, or the first violations. */
  detail: string;
}

/**
 * The on-sale's invariants, read from the event store (PostgreSQL) after the load and the last
 * hold deadline: nothing sold twice, wallets add up, payments answered 201 are confirmed (and
 * every confirmation has its payment), no hold outlives its deadline by more than `graceS`.
 */
export async function checkEventStoreInvariants(
  databaseUrl: string,
  ledgers: readonly FanLedger[],
  graceS = 10,
): Promise<InvariantResult[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const results: InvariantResult[] = [];
    const rows = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> =>
      (await client.query<T>(sql, values)).rows;

    const soldTwice = await rows<{ stream_id: string; n: string }>(
      `SELECT stream_id, count(*) AS n FROM es_events WHERE event_type = 'SeatSold' GROUP BY stream_id HAVING count(*) > 1 LIMIT 5`,
    );
    const confirmedTwice = await rows<{ schedule: string; seat: string; n: string }>(
      `SELECT c.data->>'scheduleId' AS schedule, seat, count(DISTINCT c.data->>'reservationId') AS n
         FROM es_events c, jsonb_array_elements_text(c.data->'seatIds') AS seat
        WHERE c.event_type = 'ReservationConfirmed'
        GROUP BY 1, 2 HAVING count(DISTINCT c.data->>'reservationId') > 1 LIMIT 5`,
    );
    const [{ sold }] = (await rows<{ sold: string }>(
      `SELECT count(*) AS sold FROM es_events WHERE event_type = 'SeatSold'`,
    )) as [{ sold: string }];
    results.push({
      name: 'no seat sold twice',
      ok: soldTwice.length === 0 && confirmedTwice.length === 0,
      detail:
        soldTwice.length + confirmedTwice.length === 0
          ? `${sold} seats sold, each once; no seat in two confirmed reservations`
          : [
              ...soldTwice.map((r) => `${r.stream_id} sold ${r.n} times`),
              ...confirmedTwice.map((r) => `${r.schedule}/${r.seat} in ${r.n} confirmed reservations`),
            ].join('; '),
    });

    const wallets = new Map(
      (
        await rows<{ user_id: string; charged: string; balance: string }>(
          `SELECT data->>'userId' AS user_id,
                  sum(CASE WHEN event_type = 'WalletCharged' THEN (data->>'amount')::numeric ELSE 0 END) AS charged,
                  sum(CASE event_type WHEN 'WalletCharged' THEN 1 WHEN 'WalletCredited' THEN 1 ELSE -1 END * (data->>'amount')::numeric) AS balance
             FROM es_events WHERE category = 'wallet' GROUP BY 1`,
        )
      ).map((r) => [r.user_id, { charged: Number(r.charged), balance: Number(r.balance) }]),
    );
    const confirmedByUser = new Map(
      (
        await rows<{ user_id: string; amount: string }>(
          `SELECT h.data->>'userId' AS user_id, sum((c.data->>'amount')::numeric) AS amount
             FROM es_events c JOIN es_events h ON h.stream_id = c.stream_id AND h.event_type = 'ReservationHeld'
            WHERE c.event_type = 'ReservationConfirmed' GROUP BY 1`,
        )
      ).map((r) => [r.user_id, Number(r.amount)]),
    );
    const walletProblems: string[] = [];
    let unknown = 0;
    for (const ledger of ledgers) {
      if (ledger.unknownCharges > 0) {
        unknown += 1;
        continue;
      }
      const wallet = wallets.get(ledger.userId) ?? { charged: 0, balance: 0 };
      const expected = ledger.charged - (confirmedByUser.get(ledger.userId) ?? 0);
      if (wallet.balance !== expected || wallet.charged !== ledger.charged) {
        walletProblems.push(
          `${ledger.userId}: balance ${wallet.balance}, charged ${wallet.charged} in the store, ${ledger.charged} answered 201, confirmed ${confirmedByUser.get(ledger.userId) ?? 0}`,
        );
      }
    }
    results.push({
      name: 'every wallet = charged - confirmed',
      ok: walletProblems.length === 0,
      detail:
        walletProblems.length === 0
          ? `${ledgers.length - unknown} wallets add up${unknown ? ` (${unknown} with a charge never answered, not checkable)` : ''}`
          : `${walletProblems.length} wallets wrong, e.g. ${walletProblems.slice(0, 3).join('; ')}`,
    });

    const paid = ledgers.flatMap((l) => l.paid.map((p) => p.reservationId));
    const notConfirmed = await rows<{ id: string }>(
      `SELECT id FROM unnest($1::text[]) AS id
        WHERE NOT EXISTS (SELECT 1 FROM es_events c WHERE c.stream_id = 'reservation-' || id AND c.event_type = 'ReservationConfirmed')
           OR NOT EXISTS (SELECT 1 FROM es_events p WHERE p.stream_id = 'payment-' || id AND p.event_type = 'PaymentCompleted')
           OR EXISTS (SELECT 1 FROM es_events p WHERE p.stream_id = 'payment-' || id AND p.event_type IN ('PaymentRefunded', 'PaymentFailed'))
        LIMIT 5`,
      [paid],
    );
    const confirmedUnpaid = await rows<{ stream_id: string }>(
      `SELECT c.stream_id FROM es_events c
        WHERE c.event_type = 'ReservationConfirmed'
          AND NOT EXISTS (SELECT 1 FROM es_events p WHERE p.stream_id = 'payment-' || (c.data->>'reservationId') AND p.event_type = 'PaymentCompleted')
        LIMIT 5`,
    );
    results.push({
      name: 'every 201 payment CONFIRMED; every CONFIRMED paid',
      ok: notConfirmed.length === 0 && confirmedUnpaid.length === 0,
      detail:
        notConfirmed.length + confirmedUnpaid.length === 0
          ? `${paid.length} payments answered 201, all confirmed and completed`
          : [
              ...notConfirmed.map((r) => `paid ${r.id} not confirmed/completed`),
              ...confirmedUnpaid.map((r) => `${r.stream_id} confirmed without PaymentCompleted`),
            ].join('; '),
    });

    const overdue = await rows<{ stream_id: string; expires_at: string }>(
      `SELECT h.stream_id, h.data->>'expiresAt' AS expires_at FROM es_events h
        WHERE h.event_type = 'ReservationHeld' AND (h.data->>'expiresAt')::timestamptz < now() - make_interval(secs => $1)
          AND NOT EXISTS (SELECT 1 FROM es_events t WHERE t.stream_id = h.stream_id
                           AND t.event_type IN ('ReservationConfirmed', 'ReservationCancelled', 'ReservationExpired'))
        LIMIT 5`,
      [graceS],
    );
    const seatsOverdue = await rows<{ stream_id: string }>(
      `SELECT stream_id FROM (
         SELECT DISTINCT ON (stream_id) stream_id, event_type, data FROM es_events WHERE category = 'seat' ORDER BY stream_id, stream_revision DESC
       ) AS last
        WHERE event_type = 'SeatHeld' AND (data->>'holdExpiresAt')::timestamptz < now() - make_interval(secs => $1)
        LIMIT 5`,
      [graceS],
    );
    const [{ held }] = (await rows<{ held: string }>(
      `SELECT count(*) AS held FROM es_events WHERE event_type = 'ReservationHeld'`,
    )) as [{ held: string }];
    results.push({
      name: `no hold past its deadline + ${graceS} s`,
      ok: overdue.length === 0 && seatsOverdue.length === 0,
      detail:
        overdue.length + seatsOverdue.length === 0
          ? `${held} reservations held; every one past its deadline ended`
          : [
              ...overdue.map((r) => `${r.stream_id} still HELD (deadline ${r.expires_at})`),
              ...seatsOverdue.map((r) => `${r.stream_id} still held`),
            ].join('; '),
    });
    return results;
  } finally {
    await client.end();
  }
}

/** Every read model equals a fresh rebuild: `npm run projections -- rebuild --all --dry-run` exits 0. */
export async function checkReadModels(env: Record<string, string>): Promise<InvariantResult> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=256',
      '--conditions=development',
      '--import',
      'tsx',
      'scripts/src/projections/main.ts',
      'rebuild',
      '--all',
      '--dry-run',
      '--wait-live',
      '60',
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const summary = output
    .split('\n')
    .filter((line) => /compared|differ|missing|error/i.test(line))
    .slice(0, 8)
    .join('; ');
  const parked = code === 0 ? '' : await parkedEvents(env.DATABASE_URL!);
  return {
    name: 'every read model = a fresh rebuild',
    ok: code === 0,
    detail: `projections rebuild --all --dry-run exited ${code}${summary ? `: ${summary}` : ''}${parked}`,
  };
}

/** For a read model that differs: the events its projector parked, a likely cause. */
async function parkedEvents(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ projection: string; event_type: string; error: string; n: string }>(
      `SELECT projection, event_type, min(error) AS error, count(*) AS n FROM parked_events GROUP BY 1, 2 ORDER BY 1, 2 LIMIT 5`,
    );
    return rows.length === 0
      ? '; no parked events'
      : `; parked: ${rows.map((r) => `${r.projection} ${r.event_type} x${r.n} (${r.error.slice(0, 120)})`).join(', ')}`;
  } finally {
    await client.end();
  }
}
