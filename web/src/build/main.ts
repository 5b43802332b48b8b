import { buildWeb } from './build-web.js';

/** `npm run build` (after tsc -b): the buyer page and the ops console into web/dist/public. */
try {
  const { outDir, assets } = await buildWeb();
  const sizes = Object.entries(assets).map(([file, bytes]) => `${file} ${(bytes / 1024).toFixed(1)} KiB`);
  console.log(`web pages built into ${outDir}: ${sizes.join(', ')}`);
} catch (error) {
  console.error(`web build failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
