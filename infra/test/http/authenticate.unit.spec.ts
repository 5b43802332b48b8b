import { expect } from 'chai';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createJwtVerifier, signDevToken, type JwtConfig } from '../../src/auth/jwt.js';
import { authenticate, authOf, requireRole } from '../../src/http/authenticate.js';
import { startApp, type StartedApp } from './start-app.js';

const SECRET = 'a-test-secret-of-enough-length';
const hsConfig: JwtConfig = {
  JWT_SECRET: SECRET,
  JWT_PUBLIC_KEY: undefined,
  JWT_ISSUER: undefined,
  JWT_AUDIENCE: undefined,
  JWT_CLOCK_TOLERANCE_S: 30,
};
const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const rsConfig: JwtConfig = { ...hsConfig, JWT_SECRET: undefined, JWT_PUBLIC_KEY: publicKey };
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

async function startProtected(config: JwtConfig): Promise<StartedApp> {
  const verifier = createJwtVerifier(config);
  return startApp((app) => {
    app.get('/me', authenticate(verifier), (_req, res) => {
      res.json(authOf(res));
    });
    app.post('/admin/concerts', authenticate(verifier), requireRole('admin'), (_req, res) => {
      res.status(201).json({ ok: true });
    });
  });
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('HTTP: bearer authentication', () => {
  describe('with an HS256 secret', () => {
    let server: StartedApp;
    before(async () => {
      server = await startProtected(hsConfig);
    });
    after(() => server.close());

    const getMe = (token?: string) =>
      fetch(`${server.url}/me`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

    async function expectUnauthenticated(res: Response): Promise<void> {
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.match(/^Bearer/);
      expect(await res.json()).to.include({ code: 'unauthenticated', status: 401 });
    }

    it('When the token is a valid HS256 dev token, Then the claims reach the handler', async () => {
      const token = signDevToken(hsConfig, { userId: 'user-1', roles: ['admin'], expiresInSeconds: 60 });
      const res = await getMe(token);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ userId: 'user-1', roles: ['admin'] });
    });

    it('When the token has no roles claim, Then the user has no roles', async () => {
      const token = jwt.sign({ sub: 'user-2', exp: inAnHour() }, SECRET, { algorithm: 'HS256' });
      expect(await (await getMe(token)).json()).to.deep.equal({ userId: 'user-2', roles: [] });
    });

    it('When the Authorization header is missing, Then 401 with WWW-Authenticate: Bearer', async () => {
      await expectUnauthenticated(await getMe());
    });

    it('When the scheme is not Bearer, Then 401', async () => {
      const res = await fetch(`${server.url}/me`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      await expectUnauthenticated(res);
    });

    it('When the token expired beyond the clock tolerance, Then 401', async () => {
      const exp = Math.floor(Date.now() / 1000) - 31;
      await expectUnauthenticated(await getMe(jwt.sign({ sub: 'u', exp }, SECRET, { algorithm: 'HS256' })));
    });

    it('When the token expired within the clock tolerance, Then it is still accepted', async () => {
      const exp = Math.floor(Date.now() / 1000) - 10;
      const res = await getMe(jwt.sign({ sub: 'u', exp }, SECRET, { algorithm: 'HS256' }));
      expect(res.status).to.equal(200);
    });

    it('When the token has no expiry, Then 401', async () => {
      await expectUnauthenticated(await getMe(jwt.sign({ sub: 'u' }, SECRET, { algorithm: 'HS256' })));
    });

    it('When the token says alg none, Then 401', async () => {
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'u', roles: ['admin'], exp: inAnHour() })}.`;
      await expectUnauthenticated(await getMe(unsigned));
    });

    it('When the token is signed with another secret, Then 401', async () => {
      const token = jwt.sign({ sub: 'u', exp: inAnHour() }, 'another-secret-of-enough-length', { algorithm: 'HS256' });
      await expectUnauthenticated(await getMe(token));
    });

    it('When the token is RS256-signed while HS256 is configured, Then 401', async () => {
      const token = jwt.sign({ sub: 'u', exp: inAnHour() }, privateKey, { algorithm: 'RS256' });
      await expectUnauthenticated(await getMe(token));
    });

    it('When the token is HS512-signed with the right secret, Then 401 (the algorithm is pinned)', async () => {
      const token = jwt.sign({ sub: 'u', exp: inAnHour() }, SECRET, { algorithm: 'HS512' });
      await expectUnauthenticated(await getMe(token));
    });

    it('When a non-admin calls an admin route, Then 403 forbidden', async () => {
      const token = signDevToken(hsConfig, { userId: 'user-1', roles: ['user'], expiresInSeconds: 60 });
      const res = await fetch(`${server.url}/admin/concerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).to.equal(403);
      expect(await res.json()).to.include({ code: 'forbidden' });
    });

    it('When an admin calls an admin route, Then it is served', async () => {
      const token = signDevToken(hsConfig, { userId: 'root', roles: ['admin'], expiresInSeconds: 60 });
      const res = await fetch(`${server.url}/admin/concerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).to.equal(201);
    });
  });

  describe('with an RS256 public key', () => {
    let server: StartedApp;
    before(async () => {
      server = await startProtected(rsConfig);
    });
    after(() => server.close());

    const statusFor = async (token: string) =>
      (await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } })).status;

    it('When the token is RS256-signed by the private key, Then it is accepted', async () => {
      expect(await statusFor(jwt.sign({ sub: 'u', exp: inAnHour() }, privateKey, { algorithm: 'RS256' }))).to.equal(
        200,
      );
    });

    it('When the token is HS256-signed with the public key as secret, Then 401 (no algorithm confusion)', async () => {
      const header = base64url({ alg: 'HS256', typ: 'JWT' });
      const payload = base64url({ sub: 'u', roles: ['admin'], exp: inAnHour() });
      const signature = createHmac('sha256', publicKey).update(`${header}.${payload}`).digest('base64url');
      expect(await statusFor(`${header}.${payload}.${signature}`)).to.equal(401);
    });

    it('When the token is an HS256 dev token, Then 401', async () => {
      expect(await statusFor(signDevToken(hsConfig, { userId: 'u', roles: [], expiresInSeconds: 60 }))).to.equal(401);
    });
  });

  describe('with an audience and issuer configured', () => {
    const config: JwtConfig = { ...hsConfig, JWT_AUDIENCE: 'concert-api', JWT_ISSUER: 'concert-auth' };
    let server: StartedApp;
    before(async () => {
      server = await startProtected(config);
    });
    after(() => server.close());

    const statusFor = async (token: string) =>
      (await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } })).status;

    it('When the token is for another audience, Then 401', async () => {
      const token = jwt.sign({ sub: 'u' }, SECRET, {
        algorithm: 'HS256',
        expiresIn: 60,
        audience: 'other',
        issuer: 'concert-auth',
      });
      expect(await statusFor(token)).to.equal(401);
    });

    it('When the token is from another issuer, Then 401', async () => {
      const token = jwt.sign({ sub: 'u' }, SECRET, {
        algorithm: 'HS256',
        expiresIn: 60,
        audience: 'concert-api',
        issuer: 'evil',
      });
      expect(await statusFor(token)).to.equal(401);
    });

    it('When a dev token is signed under this config, Then it carries the audience and is accepted', async () => {
      expect(await statusFor(signDevToken(config, { userId: 'u', roles: [], expiresInSeconds: 60 }))).to.equal(200);
    });
  });

  it('When both JWT_SECRET and JWT_PUBLIC_KEY are configured, Then creating the verifier fails', () => {
    expect(() => createJwtVerifier({ ...hsConfig, JWT_PUBLIC_KEY: publicKey })).to.throw(/not both/);
  });
});
