import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where `npm run build` puts the pages of @concert/web (web/dist/public), wherever this file runs from (src or dist). */
export function webAssetsDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@concert/web/package.json')), 'dist', 'public');
}
