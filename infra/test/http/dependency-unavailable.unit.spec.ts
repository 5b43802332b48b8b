import { expect } from 'chai';
import { isDependencyUnavailable } from '../../src/http/dependency-unavailable.js';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe('HTTP: recognising a dependency that is down', () => {
  const down: Array<[string, unknown]> = [
    ['a refused socket', withProps('connect ECONNREFUSED', { code: 'ECONNREFUSED' })],
    ['PostgreSQL too many connections', withProps('sorry, too many clients', { code: '53300' })],
    ['a pg connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['ioredis after retries', withProps('Reached the max retries', { name: 'MaxRetriesPerRequestError' })],
    ['a Redis replica loading its dataset', withProps('LOADING Redis is loading', { name: 'ReplyError' })],
    ['NATS without responders', withProps('503', { code: '503' })],
    ['every address refused', new AggregateError([withProps('x', { code: 'ECONNREFUSED' })], 'all failed')],
    ['a wrapped cause', new Error('query failed', { cause: withProps('reset', { code: 'ECONNRESET' }) })],
  ];
  for (const [what, error] of down) {
    it(`When the error is ${what}, Then it counts as unavailable`, () => {
      expect(isDependencyUnavailable(error)).to.equal(true);
    });
  }

  const bugs: Array<[string, unknown]> = [
    ['a TypeError', new TypeError('x is undefined')],
    ['a PostgreSQL syntax error', withProps('syntax error', { code: '42601' })],
    ['a Redis wrong-type reply', withProps('WRONGTYPE Operation against a key', { name: 'ReplyError' })],
    ['a Redis BUSYGROUP reply', withProps('BUSYGROUP Consumer Group name already exists', { name: 'ReplyError' })],
    ['a string', 'ECONNREFUSED'],
  ];
  for (const [what, error] of bugs) {
    it(`When the error is ${what}, Then it is not mistaken for an outage`, () => {
      expect(isDependencyUnavailable(error)).to.equal(false);
    });
  }
});
