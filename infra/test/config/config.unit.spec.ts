import { expect } from 'chai';
import {
  ConfigError,
  configVariables,
  loadConfig,
  loadProcessConfig,
  processConfigVariables,
  type ProcessName,
} from '../../src/config/config.js';

describe('configuration from the environment', () => {
  it('When nothing is set, Then the defaults point at the local services', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).to.equal('postgres://postgres@127.0.0.1:5432/concert');
    expect(config.READ_DATABASE_URL).to.equal(config.DATABASE_URL);
    expect(config.IDEMPOTENCY_DATABASE_URL).to.equal(config.DATABASE_URL);
    expect(config.REDIS_URL).to.equal('redis://127.0.0.1:6379');
    expect(config.NATS_URL).to.equal('nats://127.0.0.1:4222');
    expect(config.EVENTSTORE).to.equal('postgres');
    expect(config.HOLD_DURATION_MS).to.equal(300_000);
    expect(config.AUTH_DEV_LOGIN).to.equal(false);
    expect(config.JWT_SECRET).to.be.a('string');
  });

  it('When values are set, Then they are parsed to their types', () => {
    const config = loadConfig({
      GATEWAY_PORT: '9000',
      COMMAND_API_URLS: 'http://a:1, http://b:2',
      READ_DATABASE_URL: 'postgres://replica:5433/concert',
      AUTH_DEV_LOGIN: 'true',
      EVENTSTORE: 'esdb',
      EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false',
    });
    expect(config.GATEWAY_PORT).to.equal(9000);
    expect(config.COMMAND_API_URLS).to.deep.equal(['http://a:1', 'http://b:2']);
    expect(config.READ_DATABASE_URL).to.equal('postgres://replica:5433/concert');
    expect(config.AUTH_DEV_LOGIN).to.equal(true);
    expect(config.EVENTSTORE).to.equal('esdb');
  });

  it('When a variable is empty, Then its default applies', () => {
    expect(loadConfig({ GATEWAY_PORT: '' }).GATEWAY_PORT).to.equal(8080);
  });

  it('When NODE_ENV=production sets secrets of its own, Then the configuration loads', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-jwt-secret-of-our-own',
      QUEUE_TOKEN_SECRET: 'a-queue-secret-of-our-own',
    });
    expect(config).to.include({
      JWT_SECRET: 'a-jwt-secret-of-our-own',
      QUEUE_TOKEN_SECRET: 'a-queue-secret-of-our-own',
    });
  });

  it('When TRUST_PROXY is set, Then it reads as express trust proxy: false, true, a hop count, or a list of addresses and subnets', () => {
    expect(loadConfig({}).TRUST_PROXY).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).to.equal(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).TRUST_PROXY).to.deep.equal([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
  });

  const rejected: Array<[Record<string, string>, RegExp]> = [
    [{ GATEWAY_PORT: 'eighty' }, /^invalid configuration: GATEWAY_PORT .*\(got "eighty"\)$/],
    [{ HOLD_DURATION_MS: '-5' }, /^invalid configuration: HOLD_DURATION_MS /],
    [{ DATABASE_URL: 'mysql://x/y' }, /^invalid configuration: DATABASE_URL must be a URL with protocol postgres:/],
    [{ EVENTSTORE: 'mongo' }, /^invalid configuration: EVENTSTORE /],
    [{ EVENTSTORE: 'esdb' }, /^invalid configuration: EVENTSTORE_URL is required when EVENTSTORE=esdb$/],
    [{ AUTH_DEV_LOGIN: 'yes' }, /^invalid configuration: AUTH_DEV_LOGIN /],
    [{ JWT_SECRET: 'short' }, /^invalid configuration: JWT_SECRET .*\(got "\*\*\*"\)$/],
    [
      { NOTIFY_WEBHOOK_URL: 'ftp://hooks.example/n' },
      /^invalid configuration: NOTIFY_WEBHOOK_URL must be a URL with protocol http: or https:/,
    ],
    [
      { NOTIFY_WEBHOOK_URL: 'https://hooks.example/n' },
      /^invalid configuration: NOTIFY_WEBHOOK_SECRET is required when NOTIFY_WEBHOOK_URL is set$/,
    ],
    [{ NOTIFY_MAX_ATTEMPTS: '0' }, /^invalid configuration: NOTIFY_MAX_ATTEMPTS /],
    [{ TRUST_PROXY: 'yes please' }, /^invalid configuration: TRUST_PROXY /],
    [{ TRUST_PROXY: '10.0.0.0/99' }, /^invalid configuration: TRUST_PROXY /],
    // Production never runs on the built-in development secrets, which are public in this repository.
    [
      { NODE_ENV: 'production', QUEUE_TOKEN_SECRET: 'a-queue-secret-of-our-own' },
      /^invalid configuration: JWT_SECRET must be set .*NODE_ENV=production/,
    ],
    [
      {
        NODE_ENV: 'production',
        JWT_SECRET: 'development-secret-not-for-production',
        QUEUE_TOKEN_SECRET: 'a-queue-secret-of-our-own',
      },
      /^invalid configuration: JWT_SECRET must be set .*NODE_ENV=production/,
    ],
    [
      { NODE_ENV: 'production', JWT_SECRET: 'a-jwt-secret-of-our-own' },
      /^invalid configuration: QUEUE_TOKEN_SECRET must be set .*NODE_ENV=production/,
    ],
    [
      {
        NODE_ENV: 'production',
        JWT_SECRET: 'a-jwt-secret-of-our-own',
        QUEUE_TOKEN_SECRET: 'development-queue-secret-not-for-production',
      },
      /^invalid configuration: QUEUE_TOKEN_SECRET must be set .*NODE_ENV=production/,
    ],
  ];
  for (const [env, message] of rejected) {
    it(`When ${JSON.stringify(env)}, Then start-up fails with one line naming the variable`, () => {
      expect(() => loadConfig(env)).to.throw(ConfigError, message);
      try {
        loadConfig(env);
      } catch (e) {
        expect((e as Error).message).not.to.include('\n');
      }
    });
  }

  describe('Given one schema per process', () => {
    const processes: ProcessName[] = ['gateway', 'command-api', 'query-api', 'projectors', 'workers'];

    it('When a process loads its configuration, Then it has the shared part and its own variables only, with the same defaults', () => {
      const everything = loadConfig({});
      for (const name of processes) {
        const config = loadProcessConfig(name, {}) as Record<string, unknown>;
        expect(processConfigVariables(name), name).to.include.members(Object.keys(config));
        for (const [variable, value] of Object.entries(config)) {
          expect(value, `${name} ${variable}`).to.deep.equal((everything as Record<string, unknown>)[variable]);
        }
        for (const shared of ['NODE_ENV', 'LOG_LEVEL', 'DATABASE_URL', 'REDIS_URL', 'NATS_URL']) {
          expect(processConfigVariables(name), name).to.include(shared);
        }
      }
      expect(loadProcessConfig('query-api', {}).READ_DATABASE_URL).to.equal(everything.DATABASE_URL);
      expect(loadProcessConfig('gateway', {}).IDEMPOTENCY_DATABASE_URL).to.equal(everything.DATABASE_URL);
      expect(loadProcessConfig('command-api', {}).JWT_SECRET).to.be.a('string');
    });

    it('When every process schema is put together, Then it is every variable, each read by some process', () => {
      expect([...new Set(processes.flatMap(processConfigVariables))].sort()).to.deep.equal([...configVariables].sort());
    });

    it('When a variable only the workers read is bad, Then the workers refuse to start in one line and the gateway starts', () => {
      expect(() => loadProcessConfig('workers', { NOTIFY_MAX_ATTEMPTS: '0' })).to.throw(
        ConfigError,
        /^invalid configuration: NOTIFY_MAX_ATTEMPTS [^\n]*$/,
      );
      expect(() => loadProcessConfig('workers', { NOTIFY_WEBHOOK_URL: 'https://hooks.example/n' })).to.throw(
        ConfigError,
        /^invalid configuration: NOTIFY_WEBHOOK_SECRET is required when NOTIFY_WEBHOOK_URL is set$/,
      );
      expect(loadProcessConfig('gateway', { NOTIFY_MAX_ATTEMPTS: '0' })).to.not.have.property('NOTIFY_MAX_ATTEMPTS');
      expect(() => loadProcessConfig('gateway', { GATEWAY_PORT: 'eighty' })).to.throw(
        ConfigError,
        /^invalid configuration: GATEWAY_PORT /,
      );
      expect(() => loadProcessConfig('projectors', { EVENTSTORE: 'esdb' })).to.throw(
        ConfigError,
        /^invalid configuration: EVENTSTORE_URL is required when EVENTSTORE=esdb$/,
      );
    });
  });
});
