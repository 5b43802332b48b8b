import { expect } from 'chai';
import { deleteRedisPrefix, InProcessGateway, runId, token } from '../gateway-harness.js';

/**
 * TRUST_PROXY decides whose address the per-IP budgets count: by default the connection's
 * (X-Forwarded-For is anyone's to write), behind a load balancer the client's as it reports it.
 */
describe('Given the per-IP polling budget of a real gateway', function () {
  this.timeout(60_000);
  const run = runId();
  const env = {
    COMMAND_API_URLS: 'http://127.0.0.1:9',
    QUERY_API_URLS: 'http://127.0.0.1:9',
    RATE_LIMIT_POLLS_PER_MINUTE: '2',
    RATE_LIMIT_IP_MULTIPLE: '1',
  };
  const gateways: InProcessGateway[] = [];

  after(async () => {
    for (const gateway of gateways) await gateway.close();
    if (gateways[0]) await deleteRedisPrefix(gateways[0].config, `test:gw-trust:${run}:`);
  });

  const start = async (prefix: string, extra: Record<string, string> = {}): Promise<InProcessGateway> => {
    const gateway = await new InProcessGateway({
      ...env,
      REDIS_KEY_PREFIX: `test:gw-trust:${run}:${prefix}:`,
      ...extra,
    }).start();
    gateways.push(gateway);
    // Count only once Redis answers (the limits are skipped until then).
    await gateway.untilRedisAnswers();
    return gateway;
  };

  /** Polls of three users, each claiming another address in X-Forwarded-For. */
  const pollsOfThreeUsers = async (gateway: InProcessGateway): Promise<number[]> => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${gateway.url}/queue/entries/e-${run}`, {
        headers: {
          authorization: `Bearer ${token(gateway.config, `fan-${run}-${i}`)}`,
          'x-forwarded-for': `203.0.113.${i + 1}`,
        },
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    return statuses;
  };

  it('When TRUST_PROXY is not set, Then X-Forwarded-For is ignored: three users on one connection address share one IP budget', async () => {
    const statuses = await pollsOfThreeUsers(await start('off'));
    expect(statuses.slice(0, 2)).to.not.include(429);
    expect(statuses[2]).to.equal(429);
  });

  it('When TRUST_PROXY trusts the loopback proxy, Then each forwarded client address has a budget of its own', async () => {
    const statuses = await pollsOfThreeUsers(await start('loopback', { TRUST_PROXY: 'loopback' }));
    expect(statuses).to.not.include(429);
  });

  it('When TRUST_PROXY is a hop count, Then the client address is that many hops back', async () => {
    const statuses = await pollsOfThreeUsers(await start('hops', { TRUST_PROXY: '1' }));
    expect(statuses).to.not.include(429);
  });
});
