/**
 * The experiment's figure files on a tiny GPT run: every figure as SVG, PNG
 * (2× the SVG's size) and CSV whose numbers are the ones in results.json;
 * `formats` picks a subset and names the valid ones on bad input.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/experiment/outputs.js';
import type { NeuralResult } from '../../src/experiment/types.js';
import { plotDensities } from '../../src/experiment/spectra.js';
import { normalizedDensities } from '../../src/experiment/report-figures.js';
import { parseCsv, pngSize, svgSize } from '../helpers/formats.js';

const run = promisify(execFile);

describe('experiment figure exports', () => {
  let out = '';
  let doc: Parameters<typeof writeReport>[1];
  const read = (name: string) => readFile(path.join(out, name), 'utf8');
  const csvOf = async (suffix: string) => {
    const name = (await readdir(out)).find((f) => f.endsWith(`${suffix}.csv`));
    if (!name) throw new Error(`no CSV ending in ${suffix}`);
    return parseCsv(await read(name));
  };

  beforeAll(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'hg-exports-'));
    await run('npx', ['tsx', 'src/cli/experiment.ts', '--model', 'gpt', '--preset', 'tiny', '--backend', 'cpu', '--out', out], { timeout: 240_000 });
    doc = JSON.parse(await read('results.json'));
  }, 240_000);

  it('writes every figure as SVG, PNG at twice its size, and CSV', async () => {
    const files = await readdir(out);
    const svgs = files.filter((f) => f.endsWith('.svg'));
    expect(svgs.length).toBe(5); // block spectra raw and normalized by λ_max, full spectrum, JS heatmap, SGD vs Adam
    for (const svg of svgs) {
      const base = svg.slice(0, -4);
      expect(files).toContain(`${base}.png`);
      expect(files).toContain(`${base}.csv`);
      const size = svgSize(await read(svg));
      expect(pngSize(await readFile(path.join(out, `${base}.png`)))).toEqual({ width: 2 * size.width, height: 2 * size.height });
    }
  });

  it('CSVs hold the numbers of results.json', async () => {
    const gpt = doc.models[0] as NeuralResult;
    const loss = await csvOf('sgd-vs-adam');
    expect(loss[0]).toEqual(['run', 'step', 'loss']);
    const sgd = gpt.training!.runs.find((r) => r.optimizer === 'sgd')!;
    const row = loss.find((r) => r[0] === `sgd lr ${sgd.lr}` && r[1] === '3')!;
    expect(Number(row[2])).toBe(sgd.losses[3]);
    expect(loss.length - 1).toBe(gpt.training!.runs.reduce((n, r) => n + r.losses.length, 0));

    const js = await csvOf('jensen-shannon-distance-between-block-spectra');
    expect(js[0].slice(1)).toEqual(gpt.spectra!.js!.labels);
    expect(Number(js[2][3])).toBe(gpt.spectra!.js!.matrix[1][2]);

    // Densities are not stored in results.json; they are recomputed from its SLQ nodes and weights.
    const dens = plotDensities(gpt.spectra!);
    const spectra = await csvOf('block-hessian-spectra-at-initialization');
    expect(spectra.length - 1).toBe(dens.blocks.reduce((n, b) => n + b.grid.length, 0));
    const b = dens.blocks[1];
    const at = spectra.filter((r) => r[0] === b.block);
    expect(at.map((r) => Number(r[1]))).toEqual(b.grid);
    expect(at.map((r) => Number(r[2]))).toEqual(b.values);

    const norm = normalizedDensities(gpt.spectra!);
    const normalized = await csvOf('block-hessian-spectra-at-initialization-normalized-by-max');
    expect(normalized[0]).toEqual(['block', 'eigenvalue / λ_max', 'density']);
    const nb = norm.blocks[2];
    expect(normalized.filter((r) => r[0] === nb.block).map((r) => Number(r[2]))).toEqual(nb.values);
  });

  it('report.html records the settings, the held-out results and the commit of the run', async () => {
    const html = await read('report.html');
    const gpt = doc.models[0] as NeuralResult;
    expect(doc.versions!.commit).toMatch(/^([0-9a-f]{40}|unknown \()/);
    expect(html).toContain(`<dt>git commit</dt><dd>${doc.versions!.commit}</dd>`);
    expect(html).toContain(`<td>spectra.probes</td><td>${gpt.settings.spectra.probes}</td>`);
    const acc = gpt.training!.runs[0].heldOutAccuracy!;
    expect(html).toContain(`<td class="num">${Number((100 * acc).toPrecision(4))}</td>`);
    expect(html).not.toContain('id="failures"');
  });

  it('writes only the formats asked for, and names the valid ones on bad input', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hg-exports-csv-'));
    const written = await writeReport(dir, doc, { formats: ['csv'] });
    expect(written.map((w) => w.files.length)).toEqual([1, 1, 1, 1, 1]);
    expect((await readdir(dir)).filter((f) => !f.endsWith('.csv')).sort()).toEqual(['report.html']);
    await expect(writeReport(dir, doc, { formats: ['svg', 'pdf' as never] })).rejects.toThrow("unknown figure format 'pdf'; valid: svg, png, csv");
  });
});
