import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { QueryApiHarness, type ApiResponse } from './query-api-harness.js';
import { givenConcert, givenReservation } from './read-model-rows.js';

/** Follows X-Next-Cursor to the end, checking that Link agrees with it. */
async function walk(
  api: QueryApiHarness,
  path: string,
  user: string,
  limit: number,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let next: string | null = `${path}?limit=${limit}`;
  let pages = 0;
  while (next !== null) {
    const response: ApiResponse<{ concertId?: string; reservationId?: string }[]> = await api.get(next, { user });
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    expect(response.body.length).to.be.at.most(limit);
    ids.push(...response.body.map((item) => item.concertId ?? item.reservationId ?? ''));
    pages++;
    const cursor = response.headers.get('x-next-cursor');
    if (cursor === null) {
      expect(response.headers.get('link')).to.equal(null);
      next = null;
    } else {
      expect(response.body.length).to.equal(limit);
      next = `${path}?${new URLSearchParams({ limit: String(limit), cursor }).toString()}`;
      expect(response.headers.get('link')).to.equal(`<${next}>; rel="next"`);
    }
  }
  return { ids, pages };
}

describe('query API: keyset pagination', () => {
  const api = new QueryApiHarness();
  const user = randomUUID();
  before(() => api.start());
  after(() => api.stop());

  it('When a user walks the concert list page by page, Then every concert comes exactly once, oldest first', async () => {
    // Five share one microsecond: the id alone must order them across a page boundary.
    const sameInstant = new Date('2001-01-01T00:00:00.000Z');
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push(await givenConcert(api.writer, { createdAt: sameInstant }));
    for (let i = 0; i < 8; i++)
      mine.push(await givenConcert(api.writer, { createdAt: new Date(Date.UTC(2001, 0, 2, 0, 0, 0, i)) }));

    const { ids, pages } = await walk(api, '/concerts', user, 3);

    expect(new Set(ids).size, 'no concert twice').to.equal(ids.length);
    expect(ids).to.include.members(mine);
    expect(pages).to.be.greaterThan(4);
    const positions = mine.map((id) => ids.indexOf(id));
    const tied = positions.slice(0, 5);
    expect(Math.max(...tied), 'ties come before the later concerts').to.be.lessThan(Math.min(...positions.slice(5)));
    expect(positions.slice(5), 'oldest first').to.deep.equal([...positions.slice(5)].sort((a, b) => a - b));
  });

  it('When a user walks their reservations, Then each comes exactly once, newest first, ties included', async () => {
    const owner = randomUUID();
    const created: { id: string; at: string }[] = [];
    for (let i = 0; i < 7; i++) {
      // Microsecond times, three of them equal: a cursor rounded to milliseconds would lose or repeat rows.
      const at = i < 3 ? '2030-02-01T10:00:00.123450Z' : `2030-02-01T10:00:00.12345${i}Z`;
      created.push({ id: await givenReservation(api.writer, { userId: owner, createdAt: at }), at });
    }
    await givenReservation(api.writer, { userId: randomUUID() });

    const { ids, pages } = await walk(api, '/me/reservations', owner, 2);

    expect(pages).to.equal(4);
    expect(new Set(ids).size).to.equal(7);
    expect(ids).to.have.members(created.map((c) => c.id));
    const newestFirst = [...created].sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? 1 : -1));
    expect(ids).to.deep.equal(newestFirst.map((c) => c.id));
  });

  it('When the page size is not given, Then 20 items come', async () => {
    const owner = randomUUID();
    for (let i = 0; i < 21; i++) await givenReservation(api.writer, { userId: owner });
    const response = await api.get<unknown[]>('/me/reservations', { user: owner });
    expect(response.body).to.have.length(20);
    expect(response.headers.get('x-next-cursor')).to.be.a('string');
  });
});
