import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The web/ folder, from this file in src/build/ (development) or dist/src/build/ (compiled). */
export const WEB_ROOT = here.endsWith(join('dist', 'src', 'build'))
  ? join(here, '..', '..', '..')
  : join(here, '..', '..');

/** Where `npm run build` and `npm start` put the pages (index.html, console.html, assets/): the gateway serves it. */
export function webAssetsDir(): string {
  return join(WEB_ROOT, 'dist', 'public') + sep;
}
