/** `--js-tol`: probes are added until JS⁰'s interval is narrow enough, and the run says where it stopped. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('--js-tol', () => {
  it('adds probes until the half-width of JS⁰\'s interval is below the tolerance', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'hg-jstol-'));
    const { stderr } = await run('node', ['--import', 'tsx', 'src/cli/experiment.ts', '--model', 'mlp', '--preset', 'tiny', '--only', 'spectra',
      '--js-tol', '0.025', '--backend', 'cpu', '--formats', 'csv', '--out', out], { cwd: process.cwd(), timeout: 240_000 });
    expect(stderr).toContain('adding probes (2 → 4)');
    const doc = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    const s = doc.models[0].spectra;
    expect(s.jsTol.reached).toBe(true);
    expect(s.jsTol.probes).toBeGreaterThan(2); // the tiny preset starts at 2 probes per block
    for (const r of Object.values(s.slq) as { probes: unknown[] }[]) expect(r.probes.length).toBe(s.jsTol.probes);
    const { lo, hi } = s.analysis.js0;
    expect((hi - lo) / 2).toBeLessThanOrEqual(0.025);
    expect(s.jsTol.halfWidth).toBeCloseTo((hi - lo) / 2, 12);
  }, 240_000);
});
