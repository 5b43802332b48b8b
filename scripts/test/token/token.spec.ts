import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { createJwtVerifier, loadConfig } from '@concert/infra';

/** `npm run token`: a development JWT the services accept, with the configured issuer and audience. */
describe('npm run token: development JWTs', function () {
  this.timeout(60_000);

  function token(
    args: string[],
    env: Record<string, string> = {},
  ): { status: number | null; stdout: string; stderr: string } {
    const run = spawnSync(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'scripts/src/token.ts', ...args],
      {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    );
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }

  it('When minted with --admin, Then the services verify it as that user with the admin role', () => {
    const env = { JWT_SECRET: 'a-secret-for-this-test-only', JWT_ISSUER: 'concert-tests', JWT_AUDIENCE: 'concert-api' };
    const minted = token(['--user', 'u1', '--admin'], env);
    expect(minted.status, minted.stderr).to.equal(0);
    const claims = createJwtVerifier(loadConfig(env)).verify(minted.stdout.trim());
    expect(claims).to.deep.equal({ userId: 'u1', roles: ['admin'] });
    expect(() =>
      createJwtVerifier(loadConfig({ ...env, JWT_AUDIENCE: 'another-api' })).verify(minted.stdout.trim()),
    ).to.throw();
  });

  it('When --ttl is given, Then the token expires that long after it was issued', () => {
    const minted = token(['--user', 'u2', '--ttl', '90m']);
    expect(minted.status, minted.stderr).to.equal(0);
    const payload = JSON.parse(Buffer.from(minted.stdout.trim().split('.')[1]!, 'base64url').toString()) as {
      iat: number;
      exp: number;
      sub: string;
      roles: string[];
    };
    expect(payload.exp - payload.iat).to.equal(90 * 60);
    expect(payload).to.include({ sub: 'u2' });
    expect(payload.roles).to.deep.equal([]);
  });

  it('When only JWT_PUBLIC_KEY is configured, Then it refuses in one line and prints no token', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const refused = token(['--user', 'u1'], {
      JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    expect(refused.status).to.equal(1);
    expect(refused.stdout).to.equal('');
    expect(refused.stderr.trim().split('\n')).to.have.length(1);
    expect(refused.stderr).to.include('JWT_PUBLIC_KEY');
  });

  it('When --ttl is not a duration, Then it says so and exits non-zero', () => {
    const refused = token(['--user', 'u1', '--ttl', 'soon']);
    expect(refused.status).to.not.equal(0);
    expect(refused.stderr).to.include('--ttl');
  });
});
