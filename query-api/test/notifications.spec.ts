import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { QueryApiHarness, expectProblem, type ApiResponse } from './query-api-harness.js';

interface NotificationItem {
  id: string;
  kind: string;
  reservationId: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** A row as the workers' inbox sender writes it. */
async function givenNotification(
  db: Knex,
  row: { userId: string; occurredAt: string; kind?: string; reservationId?: string },
): Promise<string> {
  const eventId = randomUUID();
  await db('notifications').insert({
    event_id: eventId,
    user_id: row.userId,
    kind: row.kind ?? 'reservation-held',
    reservation_id: row.reservationId ?? randomUUID(),
    occurred_at: row.occurredAt,
    payload: JSON.stringify({ seatIds: ['A-1'] }),
  });
  return eventId;
}

describe('query API: GET /me/notifications', () => {
  const api = new QueryApiHarness();
  before(() => api.start());
  after(() => api.stop());

  it("When a user walks their notifications page by page, Then each of their own comes exactly once, newest first, ties included, and nobody else's", async () => {
    const owner = randomUUID();
    const created: { id: string; at: string }[] = [];
    for (let i = 0; i < 7; i++) {
      // Three in one microsecond: only the id orders them across a page boundary.
      const at = i < 3 ? '2031-03-01T10:00:00.123450Z' : `2031-03-01T10:00:00.12345${i}Z`;
      created.push({ id: await givenNotification(api.writer, { userId: owner, occurredAt: at }), at });
    }
    const stranger = await givenNotification(api.writer, {
      userId: randomUUID(),
      occurredAt: '2031-03-01T10:00:00.123455Z',
    });

    const ids: string[] = [];
    let path: string | undefined = '/me/notifications?limit=2';
    let pages = 0;
    while (path !== undefined) {
      const response: ApiResponse<NotificationItem[]> = await api.get<NotificationItem[]>(path, { user: owner });
      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      ids.push(...response.body.map((n) => n.id));
      pages++;
      const cursor: string | null = response.headers.get('x-next-cursor');
      path =
        cursor === null ? undefined : `/me/notifications?${new URLSearchParams({ limit: '2', cursor }).toString()}`;
      if (path !== undefined) expect(response.headers.get('link')).to.equal(`<${path}>; rel="next"`);
    }

    expect(pages).to.equal(4);
    expect(ids).to.not.include(stranger);
    const newestFirst = [...created].sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? 1 : -1));
    expect(ids).to.deep.equal(newestFirst.map((c) => c.id));
  });

  it('When a user reads a notification, Then it carries its event id, kind, reservation, time and payload', async () => {
    const owner = randomUUID();
    const reservationId = randomUUID();
    const id = await givenNotification(api.writer, {
      userId: owner,
      occurredAt: '2031-04-01T09:30:00.000Z',
      kind: 'reservation-expired',
      reservationId,
    });
    const response = await api.get<NotificationItem[]>('/me/notifications', { user: owner });
    expect(response.body).to.deep.equal([
      {
        id,
        kind: 'reservation-expired',
        reservationId,
        occurredAt: '2031-04-01T09:30:00.000Z',
        payload: { seatIds: ['A-1'] },
      },
    ]);
    expect(response.headers.get('x-next-cursor')).to.equal(null);
  });

  it('When a user has none, Then the list is empty', async () => {
    const response = await api.get<NotificationItem[]>('/me/notifications', { user: randomUUID() });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal([]);
  });

  it('When the cursor was not made by the API, Then it is 400 validation', async () => {
    const response = await api.get('/me/notifications?cursor=not-a-cursor', { user: randomUUID() });
    expectProblem(response, 400, 'validation');
  });

  it('When no token comes, Then it is 401 unauthenticated', async () => {
    expectProblem(await api.get('/me/notifications'), 401, 'unauthenticated');
  });
});
