/** Hessians with known closed forms, and whole-model second-order checks. */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { checkDerivatives } from '../helpers/check.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(3);
const rand = (shape: number[], scale = 1) => hg.tensor(rng.array(shape.reduce((a, b) => a * b, 1), scale), shape, 'float64');
const data = (t: hg.Tensor) => Array.from(t.dataSync());

/** Dense Hessian of f at a single flat parameter w (d,), one HVP per basis vector. */
function denseHessian(f: (w: hg.Tensor) => hg.Tensor, w: hg.Tensor): number[][] {
  const d = w.size;
  return Array.from({ length: d }, (_, i) => {
    const e = new Float64Array(d);
    e[i] = 1;
    return data(hg.hvp(f, w, hg.tensor(e, w.shape, 'float64')));
  });
}

describe('closed-form Hessians', () => {
  it('mean-squared-error linear regression: H = 2XᵀX/N exactly', () => {
    const [n, d] = [9, 4];
    const x = rand([n, d]);
    const y = rand([n, 1]);
    const loss = (w: hg.Tensor) => hg.mean(hg.square(hg.sub(hg.matmul(x, w), y)));
    const h = denseHessian(loss, rand([d, 1]));
    const xs = data(x);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) s += xs[r * d + i] * xs[r * d + j];
        expect(h[i][j]).toBeCloseTo((2 * s) / n, 12);
      }
    }
  });

  it('logistic regression: H = Xᵀ diag(p(1−p)) X / N exactly', () => {
    const [n, d] = [11, 3];
    const x = rand([n, d]);
    const labels = hg.tensor(Float64Array.from({ length: n }, (_, i) => i % 2), [n, 1], 'float64');
    const w0 = rand([d, 1]);
    // Binary cross-entropy in its stable logit form: softplus(z) − y·z.
    const loss = (w: hg.Tensor) => {
      const z = hg.matmul(x, w);
      const softplus = hg.logSumExp(hg.concat([z, hg.mul(z, 0)], 1));
      return hg.mean(hg.sub(softplus, hg.mul(labels, z)));
    };
    const h = denseHessian(loss, w0);
    const z = data(hg.matmul(x, w0));
    const xs = data(x);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) {
          const p = 1 / (1 + Math.exp(-z[r]));
          s += xs[r * d + i] * p * (1 - p) * xs[r * d + j];
        }
        expect(h[i][j]).toBeCloseTo(s / n, 12);
      }
    }
  });
});

describe('small models', () => {
  const mlpParams = () => ({ w1: rand([5, 4], 0.5), b1: rand([5], 0.1), w2: rand([3, 5], 0.5), b2: rand([3], 0.1) });
  const xb = rand([6, 4]);
  const yb = hg.tensor([0, 2, 1, 1, 0, 2], [6], 'int32');
  const mlpLoss = (p: Record<string, hg.Tensor>) =>
    hg.crossEntropy(hg.linear(hg.tanh(hg.linear(xb, p.w1, p.b1)), p.w2, p.b2), yb);

  it('an MLP\'s dense Hessian from HVPs is symmetric and matches finite differences of the gradient', () => {
    const p = mlpParams();
    const { leaves, unflatten } = hg.flatten(p);
    const sizes = leaves.map((l) => l.size);
    const d = sizes.reduce((a, b) => a + b, 0);
    const split = (flat: Float64Array) => {
      let o = 0;
      return unflatten(leaves.map((l) => { const t = hg.tensor(flat.slice(o, o + l.size), l.shape, 'float64'); o += l.size; return t; }));
    };
    const flatOf = (tree: Record<string, hg.Tensor>) => Float64Array.from(hg.flatten(tree).leaves.flatMap(data));
    const h: Float64Array[] = [];
    for (let i = 0; i < d; i++) {
      const e = new Float64Array(d);
      e[i] = 1;
      h.push(flatOf(hg.hvp(mlpLoss, p, split(e))));
    }
    const eps = 1e-5;
    const w = flatOf(p);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) expect(Math.abs(h[i][j] - h[j][i])).toBeLessThan(1e-12);
      const wp = w.slice(); wp[i] += eps;
      const wm = w.slice(); wm[i] -= eps;
      const gp = flatOf(hg.grad(mlpLoss)(split(wp)));
      const gm = flatOf(hg.grad(mlpLoss)(split(wm)));
      for (let j = 0; j < d; j++) expect(Math.abs(h[i][j] - (gp[j] - gm[j]) / (2 * eps))).toBeLessThan(1e-7);
    }
  });

  it('a 1-layer Transformer block (layernorm, causal softmax attention, GELU MLP) passes the HVP checks', () => {
    const [B, T, C, nh] = [2, 5, 8, 2];
    const x = rand([B, T, C]);
    const maskData = new Float64Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskData[i * T + j] = -1e9;
    const mask = hg.tensor(maskData, [T, T], 'float64');
    const names = ['ln1g', 'ln1b', 'qkv', 'proj', 'ln2g', 'ln2b', 'fc', 'fc2'];
    const block = (ps: hg.Tensor[]) => {
      const p = Object.fromEntries(names.map((n, i) => [n, ps[i]]));
      const h = hg.layerNormAffine(x, p.ln1g, p.ln1b);
      const qkv = hg.linear(h, p.qkv); // (B, T, 3C)
      const [q, k, v] = [0, 1, 2].map((i) => hg.splitHeads(hg.slice(qkv, [0, 0, i * C], [B, T, (i + 1) * C]), nh));
      const x1 = hg.add(x, hg.linear(hg.mergeHeads(hg.attention(q, k, v, mask)), p.proj));
      const m = hg.linear(hg.gelu(hg.linear(hg.layerNormAffine(x1, p.ln2g, p.ln2b), p.fc)), p.fc2);
      return hg.add(x1, m);
    };
    const ps = [
      hg.add(rand([C], 0.1), 1), rand([C], 0.1), rand([3 * C, C], 0.4), rand([C, C], 0.4),
      hg.add(rand([C], 0.1), 1), rand([C], 0.1), rand([4 * C, C], 0.4), rand([C, 4 * C], 0.3),
    ];
    checkDerivatives(block, ps, { rtol: 1e-6, atol: 1e-6 });
  });
});
