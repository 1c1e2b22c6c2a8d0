/**
 * The public API as a user sees it: imported by the package name, which
 * resolves through package.json `exports` (a package may import itself by
 * name), not by a path into src/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as hg from 'heterograd';
import * as analysis from 'heterograd/analysis';
import * as analysisSrc from '../src/analysis/index.js';
import * as autodiffSrc from '../src/autodiff/index.js';
import * as hessianSrc from '../src/hessian/index.js';
import * as tensorSrc from '../src/tensor/index.js';
import * as rngSrc from '../src/util/rng.js';

describe("import * as hg from 'heterograd'", () => {
  it('resolves through package.json exports to the public face', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.name).toBe('heterograd');
    expect(pkg.exports['.']).toEqual({ types: './src/index.ts', default: './src/index.ts' });
    // The same module instances as the source: one tensor registry, one default backend.
    expect(hg.tensor).toBe(tensorSrc.tensor);
    expect(analysis.slq).toBe(analysisSrc.slq);
  });

  it('exports every name of the flat layers (a clash would silently drop one from `export *`)', () => {
    const missing: string[] = [];
    for (const [layer, mod] of Object.entries({ tensor: tensorSrc, autodiff: autodiffSrc, analysis: analysisSrc, hessian: hessianSrc, rng: rngSrc })) {
      for (const [name, value] of Object.entries(mod)) {
        if ((hg as Record<string, unknown>)[name] !== value) missing.push(`${layer}.${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps the zoo, optimizers, io and data in namespaces', () => {
    expect(typeof hg.models.createMlp).toBe('function');
    expect(typeof hg.models.createVit).toBe('function');
    expect(typeof hg.optim.adamw).toBe('function');
    expect(typeof hg.optim.update).toBe('function');
    expect(typeof hg.optim.sgdBlockwise).toBe('function');
    expect(typeof hg.io.encodeSafetensors).toBe('function');
    expect(typeof hg.data.makeCorpus).toBe('function');
  });

  it('measures a small loss: block spectra and JS⁰ match the exact Hessian', async () => {
    // L = ½ aᵀA a + ½ cᵀA c + ½ bᵀB b + ½ (aᵀa)(bᵀb). At b = 0: H_aa = H_cc = A, H_bb = B + |a|²·I.
    const A = [4, 1, 0, 1, 3, 0.5, 0, 0.5, 2]; // symmetric (3, 3)
    const p: hg.Params = {
      'x.a': hg.tensor([0.3, -0.2, 0.1], [3], 'float64'), 'x.c': hg.zeros([3], 'float64'), 'y.b': hg.zeros([2], 'float64'),
    };
    const At = hg.tensor(A, [3, 3], 'float64');
    const quad = (v: hg.Tensor) => hg.sum(hg.mul(v, hg.reshape(hg.matmul(At, hg.reshape(v, [3, 1])), [3]))); // vᵀA v
    const loss = (q: hg.Params) => {
      const a = q['x.a'], b = q['y.b']; // (3,), (2,)
      const quadB = hg.sum(hg.mul(hg.tensor([10, 20], [2], 'float64'), hg.square(b)));
      const coupling = hg.mul(hg.sum(hg.square(a)), hg.sum(hg.square(b)));
      return hg.mul(hg.add(hg.add(quad(a), quad(q['x.c'])), hg.add(quadB, coupling)), 0.5);
    };
    const blocks = hg.blocksByPattern(p, ['x.*', /^y\./]);
    expect(blocks.map((b) => b.name)).toEqual(['x.a', 'x.c', 'y.b']);
    const { results } = await hg.blockSpectra(loss, p, blocks, { steps: 3, probes: 20, seed: 5 });

    const exactA = [...hg.symEig(Float64Array.from(A), 3).values];
    const a2 = 0.3 ** 2 + 0.2 ** 2 + 0.1 ** 2;
    const exactB = [10 + a2, 20 + a2];
    // steps = dim: every probe's Gauss rule sits on the exact eigenvalues.
    const atoms = (name: string) => [...new Set(results[name].probes.flatMap((q) => q.nodes.map((x) => x.toFixed(8))))].map(Number);
    for (const [name, exact] of [['x.a', exactA], ['x.c', exactA], ['y.b', exactB]] as const) {
      expect(atoms(name)).toHaveLength(exact.length);
      atoms(name).forEach((x, i) => expect(x).toBeCloseTo(exact[i], 7));
    }

    // Exact JS⁰: d(a, c) = 0, d(a, b) = d(c, b) = √ln2 (disjoint supports), so JS⁰ = ⅔√ln2.
    const exactJs0 = hg.heterogeneityScore(hg.pairwiseMatrix({ a: hg.eigenvalueMeasure(exactA), c: hg.eigenvalueMeasure(exactA), b: hg.eigenvalueMeasure(exactB) }, 'js'));
    expect(exactJs0).toBeCloseTo((2 / 3) * Math.sqrt(Math.LN2), 4);
    // Blocks share probe seeds, so x.a and x.c (one operator A) get identical measures; y.b's support is disjoint from theirs.
    const js = hg.pairwiseMatrix(hg.slqMeasures(results), 'js');
    expect(js.labels).toEqual(['x.a', 'x.c', 'y.b']);
    expect(js.matrix[0][1]).toBeLessThan(1e-12);
    expect(js.matrix[0][2]).toBeCloseTo(Math.sqrt(Math.LN2), 6);
    expect(hg.heterogeneityScore(js)).toBeCloseTo(exactJs0, 9);
  });
});
