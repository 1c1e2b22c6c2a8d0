/**
 * The hetero-MLP sweep end to end on the tiny preset: a schema-valid
 * results.json, JS⁰ at r = 1000 above JS⁰ at r = 1 by more than both
 * intervals, the sweep figures, and blockwise-lr SGD beside SGD and Adam.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { resultsJsonSchema } from '../../src/experiment/schema.js';

const run = promisify(execFile);

describe('npm run experiment -- --model hetero-mlp --hetero 1,1000', () => {
  it('writes a valid sweep in which the dialled heterogeneity shows with separated intervals', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'hg-hetero-'));
    await run('node', ['--import', 'tsx', 'src/cli/experiment.ts', '--model', 'hetero-mlp', '--hetero', '1,1000', '--preset', 'tiny',
      '--optimizers', 'sgd,adam,sgd-blockwise,adam-mini', '--backend', 'cpu', '--formats', 'svg', '--out', out], { cwd: process.cwd(), timeout: 240_000 });
    const doc = JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8'));
    const validate = new Ajv({ strict: false }).compile(resultsJsonSchema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.models.map((m: { hetero: number }) => m.hetero)).toEqual([1, 1000]);
    const row = (r: number) => doc.summary.find((s: { model: string }) => s.model === `hetero-mlp r=${r}`);
    const [flat, steep] = [row(1).js0, row(1000).js0];
    expect(steep.interval[0]).toBeGreaterThan(flat.interval[1]); // one seed: probe-bootstrap intervals
    expect(Object.keys(row(1).gaps).sort()).toEqual(['adam-mini', 'sgd-blockwise']);
    const files = await readdir(out);
    expect(files.some((f) => f.endsWith('hetero-mlp-js-against-r.svg'))).toBe(true);
    expect(files.some((f) => f.endsWith('gap-to-adam-against-r.svg'))).toBe(true);
  }, 240_000);
});
