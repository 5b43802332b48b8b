import type { Express } from 'express';
import { openApiDocument, type OpenApiOptions } from './openapi-document.js';

/** `GET /openapi.json`: generated once at start-up, served to anyone. */
export function openApiRoute(app: Express, options: OpenApiOptions): void {
  const body = JSON.stringify(openApiDocument(options));
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(body);
  });
}
