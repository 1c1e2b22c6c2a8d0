/**
 * The browser bundle maps `node:os` to src/web/shims/os.ts (src/web/build.ts).
 * Every member the bundled code uses must exist there, or the page fails at
 * run time (the CPU backend's `os.totalmem()` once did). The files checked are
 * the bundle's own inputs, from esbuild's metafile for the page's entries.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as shim from '../../src/web/shims/os.js';

describe('the browser os shim', () => {
  it('exports every node:os member the bundled code uses', async () => {
    const entries = ['src/web/pages/analysis.ts', 'src/web/pages/kernels.ts', 'src/web/workers/analysis-worker.ts', 'src/web/workers/kernels-worker.ts'];
    const result = await esbuild.build({
      entryPoints: entries, bundle: true, write: false, metafile: true, format: 'esm', platform: 'browser', outdir: 'unused', logLevel: 'silent',
      plugins: [{ name: 'os', setup: (b) => b.onResolve({ filter: /^(node:)?os$/ }, () => ({ path: path.resolve('src/web/shims/os.ts') })) }],
    });
    const used = new Set<string>();
    for (const f of Object.keys(result.metafile.inputs).filter((f) => f.startsWith('src/') && !f.startsWith('src/web/shims/'))) {
      const src = readFileSync(f, 'utf8');
      const def = /import (\w+) from '(?:node:)?os'/.exec(src)?.[1];
      if (def) for (const m of src.matchAll(new RegExp(`\\b${def}\\.(\\w+)`, 'g'))) used.add(m[1]);
      const named = /import \{([^}]*)\} from '(?:node:)?os'/.exec(src)?.[1];
      if (named) for (const n of named.split(',')) used.add(n.trim().split(/\s+as\s+/)[0]);
    }
    expect([...used]).toContain('cpus'); // the CPU backend's device name: the scan sees the bundle
    for (const name of used) {
      expect(typeof (shim as Record<string, unknown>)[name], `os.${name}`).toBe('function');
      expect(typeof (shim.default as Record<string, unknown>)[name], `default os.${name}`).toBe('function');
    }
  });
});
