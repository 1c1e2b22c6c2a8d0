/**
 * Building the static page (Node): esbuild bundles the pages and their
 * workers for the browser, and the data the page needs is written beside
 * them, so the folder works from any static host with no network access.
 *
 *   index.html, kernels.html, style.css           (web/)
 *   analysis.js, kernels.js                       the pages' scripts
 *   analysis-worker.js, kernels-worker.js         the workers that do the GPU work
 *   assets/mnist.bin.gz                           all 10,000 digits of the mnist package, packed (src/data/packed.ts)
 *   assets/moby-dick.txt.gz                       src/data/assets/moby-dick.txt.gz as it is
 *   notes.json                                    the kernels' ideas, from src/kernels/README.md
 *
 * The whole MNIST set ships (about 1.6 MB gzipped), not a subset: the
 * held-out split and batches are permutations of all of it, and the page's
 * numbers must equal the Node CLI's.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { loadMnistPackage } from '../data/mnist.js';
import { packMnist } from '../data/packed.js';
import { ASSETS } from './fetch-data.js';
import { kernelNotes } from './notes.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_OUT = path.join(ROOT, 'dist/web');

/**
 * The one Node module the browser code reaches (the CPU backend's device
 * name) maps to a shim; any other `node:` import stays unresolved and fails
 * the build, so Node-only code cannot slip into the bundle.
 */
const nodeOsShim: esbuild.Plugin = {
  name: 'node-os-shim',
  setup(b) {
    b.onResolve({ filter: /^(node:)?os$/ }, () => ({ path: path.join(ROOT, 'src/web/shims/os.ts') }));
  },
};

export interface BuildReport {
  out: string;
  /** Bytes per file written. */
  files: Record<string, number>;
}

/** Builds the page into `out` (default dist/web). */
export async function buildWeb(out = DEFAULT_OUT): Promise<BuildReport> {
  await mkdir(path.join(out, 'assets'), { recursive: true });
  const pages = path.join(ROOT, 'src/web/pages');
  const workers = path.join(ROOT, 'src/web/workers');
  const result = await esbuild.build({
    entryPoints: {
      analysis: path.join(pages, 'analysis.ts'),
      kernels: path.join(pages, 'kernels.ts'),
      'analysis-worker': path.join(workers, 'analysis-worker.ts'),
      'kernels-worker': path.join(workers, 'kernels-worker.ts'),
    },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    metafile: true,
    logLevel: 'silent',
    plugins: [nodeOsShim],
  });
  const files: Record<string, number> = {};
  for (const [f, o] of Object.entries(result.metafile.outputs)) if (!f.endsWith('.map')) files[path.relative(out, path.resolve(ROOT, f))] = o.bytes;
  const write = async (name: string, data: Uint8Array | string) => {
    await writeFile(path.join(out, name), data);
    files[name] = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  };
  for (const f of ['index.html', 'kernels.html', 'style.css']) await write(f, await readFile(path.join(ROOT, 'web', f)));
  await write(ASSETS.mnist, gzipSync(packMnist(loadMnistPackage()), { level: 9 }));
  await copyFile(path.join(ROOT, 'src/data/assets/moby-dick.txt.gz'), path.join(out, ASSETS.text));
  files[ASSETS.text] = (await readFile(path.join(out, ASSETS.text))).byteLength;
  await write('notes.json', JSON.stringify(kernelNotes(await readFile(path.join(ROOT, 'src/kernels/README.md'), 'utf8')), null, 1));
  return { out, files };
}
