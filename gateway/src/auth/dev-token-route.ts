import { devTokenBody, jsonBody, parseBody, signDevToken, type JwtConfig } from '@concert/infra';
import type { Express } from 'express';

const DEV_TOKEN_BODY_LIMIT_BYTES = 1024;

/**
 * `POST /auth/token {userId, roles?}` -> 200 {accessToken, expiresIn}: the development login.
 * Mounted only when AUTH_DEV_LOGIN is on; otherwise the path is not on the allow-list (404).
 */
export function devTokenRoute(app: Express, config: JwtConfig, expiresInSeconds: number): void {
  app.post('/auth/token', jsonBody({ limitBytes: DEV_TOKEN_BODY_LIMIT_BYTES }), (req, res) => {
    const { userId, roles } = parseBody(devTokenBody, req);
    const accessToken = signDevToken(config, { userId, roles, expiresInSeconds });
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ accessToken, expiresIn: expiresInSeconds });
  });
}
