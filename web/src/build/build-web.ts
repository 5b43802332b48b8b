import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { webAssetsDir, WEB_ROOT } from './web-root.js';

export interface WebBuild {
  outDir: string;
  /** Bytes of each file written to assets/. */
  assets: Record<string, number>;
}

/**
 * Bundles the buyer page and the ops console (Preact + uPlot, TypeScript/JSX) with esbuild
 * into web/dist/public: index.html, console.html and assets/{buyer,console}.{js,css}, minified,
 * no source fetched at run time. The gateway serves that folder (gateway/src/web/web-pages.ts).
 */
export async function buildWeb(outDir = webAssetsDir()): Promise<WebBuild> {
  await mkdir(join(outDir, 'assets'), { recursive: true });
  const result = await build({
    entryPoints: {
      buyer: join(WEB_ROOT, 'src/pages/buyer/main.tsx'),
      console: join(WEB_ROOT, 'src/pages/console/main.tsx'),
    },
    outdir: join(outDir, 'assets'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  await copyFile(join(WEB_ROOT, 'src/pages/buyer/index.html'), join(outDir, 'index.html'));
  await copyFile(join(WEB_ROOT, 'src/pages/console/console.html'), join(outDir, 'console.html'));
  const assets = Object.fromEntries(
    Object.entries(result.metafile.outputs).map(([file, output]) => [file.split('/').at(-1)!, output.bytes]),
  );
  return { outDir, assets };
}
