import { expect } from 'chai';
import { QueryApiHarness, expectProblem } from './query-api-harness.js';

describe('query API: every read needs a bearer token', () => {
  const api = new QueryApiHarness();
  before(() => api.start());
  after(() => api.stop());

  const paths = [
    '/concerts',
    '/concerts/c-1/schedules',
    '/schedules/s-1/seats',
    '/reservations/r-1',
    '/me/reservations',
    '/payments/p-1',
    '/me/wallet',
    '/me/notifications',
  ];

  for (const path of paths) {
    it(`When GET ${path} comes without a token, Then it gets 401 unauthenticated`, async () => {
      const response = await api.get(path);
      expectProblem(response, 401, 'unauthenticated');
      expect(response.headers.get('www-authenticate')).to.match(/^Bearer/);
    });
  }

  it('When the token is forged, Then the answer is 401 before the parameters are looked at', async () => {
    const response = await api.get('/concerts?limit=0', { headers: { authorization: 'Bearer not.a.jwt' } });
    expectProblem(response, 401, 'unauthenticated');
  });

  it('When /ready is asked without a token, Then it reports the read database', async () => {
    const response = await api.get<{ status: string; checks: Record<string, string> }>('/ready');
    expect(response.status).to.equal(200);
    expect(response.body.checks).to.deep.equal({ readDatabase: 'ok' });
  });
});
