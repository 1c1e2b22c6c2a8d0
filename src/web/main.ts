/**
 * `npm run web [-- --build-only] [--port N] [--host H] [--out DIR]`: builds
 * the page into dist/web and serves it (Node). The folder also works from
 * any other static host (WebGPU needs a secure context: https, or localhost).
 */
import { Command } from 'commander';
import { DEFAULT_OUT, buildWeb } from './build.js';
import { serveStatic } from './serve.js';

const cmd = new Command('web')
  .option('--build-only', 'build dist/web and exit')
  .option('--port <n>', 'port to serve on', '8080')
  .option('--host <h>', 'address to listen on', '127.0.0.1')
  .option('--out <dir>', 'output folder', DEFAULT_OUT)
  .parse();
const o = cmd.opts<{ buildOnly?: boolean; port: string; host: string; out: string }>();
const port = Number(o.port);
if (!(Number.isInteger(port) && port >= 0 && port < 65536)) cmd.error(`--port must be an integer in [0, 65535], got ${o.port}`);

const t0 = performance.now();
const { out, files } = await buildWeb(o.out);
const kb = Object.values(files).reduce((a, b) => a + b, 0) / 1024;
console.log(`built ${out}: ${Object.keys(files).length} files, ${kb.toFixed(0)} KiB, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (!o.buildOnly) {
  const s = await serveStatic(out, port, o.host);
  console.log(`serving at ${s.url} (analysis) and ${s.url}kernels.html (kernels); Ctrl-C stops`);
}
