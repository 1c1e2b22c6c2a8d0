import { describe, expect, it } from 'vitest';
import { lanczos } from '../../src/analysis/lanczos.js';
import { makeRng } from '../../src/util/rng.js';
import { tridiagEig } from '../../src/analysis/tridiag.js';
import { probeSeed, probeVector, slq, slqBlocks, type SlqProbe } from '../../src/analysis/slq.js';
import { matVecFromDense } from '../../src/analysis/dense.js';
import { bilinear, diagonal, randomSymmetric, withSpectrum } from './helpers.js';

describe('slq: Gauss quadrature exactness', () => {
  it('moments Σ τᵢ θᵢʲ equal vᵀAʲv / vᵀv for j ≤ 2m − 1, and not for j = 2m', async () => {
    const n = 40;
    const m = 4;
    const rng = makeRng(8);
    // SPD with eigenvalues in [0.2, 3]: every moment is positive, so relative error is meaningful.
    const a = withSpectrum(Array.from({ length: n }, () => 0.2 + 2.8 * rng.uniform()), 8);
    const av = matVecFromDense(a, n);
    const v = Float64Array.from({ length: n }, () => rng.normal());
    const lz = await lanczos(av, n, { steps: m, start: v });
    const { values, firstComponents } = tridiagEig(lz.alpha, lz.beta);
    const vv = v.reduce((s, x) => s + x * x, 0);
    let ajv: Float64Array = Float64Array.from(v);
    for (let j = 0; j <= 2 * m; j++) {
      const exact = v.reduce((s, x, i) => s + x * ajv[i], 0) / vv;
      let quad = 0;
      for (let i = 0; i < m; i++) quad += firstComponents[i] ** 2 * values[i] ** j;
      const rel = Math.abs(quad - exact) / exact;
      if (j <= 2 * m - 1) expect(rel, `moment ${j}`).toBeLessThan(1e-8);
      else expect(rel, `moment ${j} should not be exact`).toBeGreaterThan(1e-6);
      ajv = av(ajv) as Float64Array;
    }
  });

  it('trace consistency: with a Rademacher probe, n · Σ τᵢ θᵢ = vᵀAv', async () => {
    const n = 50;
    const a = randomSymmetric(n, makeRng(21));
    const r = await slq(matVecFromDense(a, n), n, { steps: 12, probes: 3, probe: 'rademacher', seed: 5 });
    for (const p of r.probes) {
      const v = probeVector('rademacher', n, p.seed);
      const exact = bilinear(a, n, v, v);
      const est = n * p.nodes.reduce((s, x, i) => s + x * p.weights[i], 0);
      expect(Math.abs(est - exact)).toBeLessThan(1e-11 * n * n);
    }
  });

  it('weights are nonnegative, sum to 1, nodes ascend, and m = n recovers the spectrum', async () => {
    const vals = [-3, -1, 0.5, 2, 2.5, 4, 7, 8];
    const r = await slq(diagonal(vals), 8, { steps: 8, probes: 4 });
    for (const p of r.probes) {
      expect(p.weights.every((w) => w >= 0)).toBe(true);
      expect(p.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 13);
      p.nodes.forEach((x, i) => expect(x).toBeCloseTo(vals[i], 9));
    }
  });
});

describe('slq: results, resume, blocks', () => {
  const n = 60;
  const av = matVecFromDense(randomSymmetric(n, makeRng(31)), n);

  it('defaults: gaussian probes, 10 probes, steps = min(100, dim), full reorth; JSON round-trips', async () => {
    const r = await slq(av, n, { seed: 2 });
    expect(r).toMatchObject({ kind: 'slq', dim: n, steps: 60, probe: 'gaussian', seed: 2, reorth: 'full' });
    expect(r.probes).toHaveLength(10);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('resumes from finished probes with identical output, and calls onProbe only for new ones', async () => {
    const opts = { steps: 15, probes: 5, seed: 7 };
    const full = await slq(av, n, opts);
    const seen: number[] = [];
    const partial = await slq(av, n, { ...opts, probes: 2 });
    const resumed = await slq(av, n, {
      ...opts,
      resumeFrom: JSON.parse(JSON.stringify(partial)),
      onProbe: (p: SlqProbe) => void seen.push(p.index),
    });
    expect(seen).toEqual([2, 3, 4]);
    expect(resumed).toEqual(full);
    // A bare probe list works too.
    expect(await slq(av, n, { ...opts, resumeFrom: full.probes.slice(0, 4) })).toEqual(full);
    // Probes differ from each other (independent seeds).
    expect(full.probes[0].nodes).not.toEqual(full.probes[1].nodes);
    expect(full.probes.map((p) => p.seed)).toEqual([0, 1, 2, 3, 4].map((i) => probeSeed(7, i)));
  });

  it('refuses to resume from a run with other settings or reordered probes', async () => {
    const partial = await slq(av, n, { steps: 10, probes: 2, seed: 1 });
    await expect(slq(av, n, { steps: 12, probes: 4, seed: 1, resumeFrom: partial })).rejects.toThrow(/different settings \(steps: 10 vs 12\)/);
    await expect(slq(av, n, { steps: 10, probes: 4, seed: 2, resumeFrom: partial })).rejects.toThrow(/seed: 1 vs 2/);
    await expect(slq(av, n, { steps: 10, probes: 4, seed: 1, resumeFrom: [partial.probes[1]] })).rejects.toThrow(/probe 0 has index 1/);
  });

  it('slqBlocks runs one SLQ per named block and resumes per block', async () => {
    const blocks = { small: { matvec: diagonal([1, 2, 3, 4]), dim: 4 }, big: { matvec: av, dim: n } };
    const events: string[] = [];
    const out = await slqBlocks(blocks, {
      steps: 4,
      probes: 2,
      onProbe: (b, p) => void events.push(`${b}:${p.index}`),
      onBlock: (b) => void events.push(`${b} done`),
    });
    expect(Object.keys(out)).toEqual(['small', 'big']);
    expect(out.small.label).toBe('small');
    expect(out.big.dim).toBe(n);
    expect(events).toEqual(['small:0', 'small:1', 'small done', 'big:0', 'big:1', 'big done']);
    const again = await slqBlocks(blocks, { steps: 4, probes: 2, resumeFrom: out, onProbe: () => void events.push('x') });
    expect(again).toEqual(out);
    expect(events).not.toContain('x');
  });

  it('names the block in errors from inside a run', async () => {
    const nan = () => Float64Array.from({ length: 5 }, () => NaN);
    await expect(slqBlocks({ 'h.0.mlp': { matvec: nan, dim: 5 } }, { steps: 3, probes: 1 })).rejects.toThrow(/\[h\.0\.mlp\]/);
    await expect(slq(diagonal([1, 2]), 2, { steps: 3, label: 'tiny' })).rejects.toThrow(/\[tiny, probe 1\].*steps \(3\) exceeds dim \(2\)/);
  });
});
