import { expect } from 'chai';
import { call, CommandApiCluster, type CommandApiInstance } from './command-api-harness.js';

describe('command API: the token is checked before the body is read', () => {
  const cluster = new CommandApiCluster();
  let api: CommandApiInstance;
  before(async () => {
    [api] = (await cluster.start(1)) as [CommandApiInstance];
  });
  after(() => cluster.stop());

  it('When an anonymous client posts a 2 MiB body to the seat-map route, Then it gets 401, not 413 or 400', async () => {
    const response = await call(api.url, 'POST', '/admin/concerts/c-1/schedules', {
      body: `{"seats":"${'x'.repeat(2 * 1024 * 1024)}"}`,
    });
    expect(response.status).to.equal(401);
    expect(response.body).to.include({ code: 'unauthenticated' });
  });

  it('When an anonymous client posts malformed JSON, Then it gets 401', async () => {
    const response = await call(api.url, 'POST', '/reservations', { body: '{"scheduleId":' });
    expect(response.status).to.equal(401);
  });
});
