import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import {
  adam, adamw, clipByGlobalNorm, constant, disposeTree, matricesOnly, sgd, stepDecay, update, warmupCosine,
  type Optimizer, type Params,
} from '../../src/optim/index.js';

const f64 = (xs: number[], shape?: number[]): hg.Tensor => hg.tensor(Float64Array.from(xs), shape ?? [xs.length], 'float64');
const vals = (t: hg.Tensor): number[] => Array.from(t.dataSync());

/** Runs steps with the given gradient lists and returns the final parameter values. */
function run<S>(opt: Optimizer<S>, p0: number[], gs: number[][], lr: number): number[] {
  let params: Params = { w: f64(p0) };
  let state = opt.init(params);
  for (const g of gs) ({ params, state } = update(opt, params, { w: f64(g) }, state, lr));
  const out = vals(params.w);
  disposeTree([params, state]);
  return out;
}

function close(a: number[], b: number[], tol = 1e-12): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThan(tol));
}

describe('sgd', () => {
  it('matches a hand-computed momentum + L2 decay run', () => {
    // step 1: g' = g + 0.01p = [0.51, 0.23]; b = g'; p = p − 0.1b = [0.949, −2.023]
    // step 2: g' = [0.5 + 0.00949, 0.25 − 0.02023] = [0.50949, 0.22977];
    //         b = 0.9·[0.51, 0.23] + g' = [0.96849, 0.43677]; p = [0.852151, −2.066677]
    const got = run(sgd({ momentum: 0.9, weightDecay: 0.01 }), [1, -2], [[0.5, 0.25], [0.5, 0.25]], 0.1);
    close(got, [0.852151, -2.066677]);
  });

  it('Nesterov looks ahead: first step uses g + μ·b = 1.9g', () => {
    close(run(sgd({ nesterov: true }), [1, -2], [[0.5, 0.25]], 0.1), [0.905, -2.0475]);
  });

  it('momentum 0 is plain gradient descent', () => {
    close(run(sgd({ momentum: 0 }), [1, -2], [[0.5, 0.25], [1, 1]], 0.1), [0.85, -2.125]);
  });
});

describe('adam', () => {
  it('matches a hand-computed two-step run', () => {
    const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 0.1];
    const g1 = [0.5, 0.25];
    const g2 = [-0.5, 1];
    const expected = [1, -2].map((p, i) => {
      let m = (1 - b1) * g1[i];
      let v = (1 - b2) * g1[i] ** 2;
      p -= (lr * (m / (1 - b1))) / (Math.sqrt(v / (1 - b2)) + eps); // step 1: ≈ p − lr·sign(g)
      m = b1 * m + (1 - b1) * g2[i];
      v = b2 * v + (1 - b2) * g2[i] ** 2;
      return p - (lr * (m / (1 - b1 ** 2))) / (Math.sqrt(v / (1 - b2 ** 2)) + eps);
    });
    expect(expected[0]).toBeCloseTo(0.9 - (0.1 * (-0.005 / 0.19)) / Math.sqrt(0.00049975 / 0.001999), 7); // ignoring ε
    close(run(adam(), [1, -2], [g1, g2], lr), expected);
  });

  it('AdamW decays decoupled from the adaptive scaling; Adam+L2 normalizes the decay away', () => {
    // Zero loss gradient, weight decay only. Adam+L2: g = wd·p, so u = m̂/(√v̂+ε) ≈ sign(p): every
    // coordinate moves by ≈ lr whatever its size. AdamW: m = v = 0, so only p ← p − lr·wd·p acts.
    const [lr, wd] = [0.01, 0.1];
    const l2 = run(adam({ weightDecay: wd }), [10, 0.1], [[0, 0]], lr);
    const dec = run(adamw({ weightDecay: wd }), [10, 0.1], [[0, 0]], lr);
    close(l2, [10 - lr, 0.1 - lr], 1e-8);
    close(dec, [10 * (1 - lr * wd), 0.1 * (1 - lr * wd)]);
  });

  it('matricesOnly leaves vectors undecayed', () => {
    const opt = adamw({ weightDecay: 0.5, decayMask: matricesOnly });
    let params: Params = { W: f64([1, 1], [1, 2]), b: f64([1, 1]) };
    let state = opt.init(params);
    ({ params, state } = update(opt, params, { W: f64([0, 0], [1, 2]), b: f64([0, 0]) }, state, 0.1));
    close(vals(params.W), [0.95, 0.95]);
    close(vals(params.b), [1, 1]);
    disposeTree([params, state]);
  });

  it('rejects β2 = 1 and missing gradients', () => {
    expect(() => adam({ beta2: 1 })).toThrow(/beta2/);
    const opt = adam();
    const params = { a: f64([1]), b: f64([2]) };
    const st = opt.init(params);
    expect(() => opt.step(params, { a: f64([1]) }, st, 0.1)).toThrow(/no gradient for parameter 'b'/);
  });
});

describe('schedules', () => {
  it('constant, step decay and warmup + cosine give the chosen values', () => {
    expect(constant(0.3)(12345)).toBe(0.3);
    const s = stepDecay(0.1, { milestones: [30, 60] });
    expect([s(0), s(29), s(30), s(59), s(60), s(1000)].map((x) => +x.toPrecision(12))).toEqual([0.1, 0.1, 0.01, 0.01, 0.001, 0.001]);
    expect(stepDecay(1, { every: 10, gamma: 0.5 })(25)).toBe(0.25);
    const c = warmupCosine(6e-4, { warmup: 10, total: 110, minLr: 6e-5 });
    expect(c(0)).toBeCloseTo(6e-5, 15);
    expect(c(9)).toBeCloseTo(6e-4, 15);
    expect(c(10)).toBeCloseTo(6e-4, 15);
    expect(c(60)).toBeCloseTo((6e-4 + 6e-5) / 2, 15); // halfway: cos(π/2) = 0
    expect(c(110)).toBeCloseTo(6e-5, 15);
    expect(c(5000)).toBeCloseTo(6e-5, 15);
  });
});

describe('clipByGlobalNorm', () => {
  it('scales to the max norm across tensors and leaves small gradients alone', () => {
    const grads = { a: f64([3]), b: f64([0, 4], [1, 2]) }; // global norm 5
    const big = clipByGlobalNorm(grads, 1);
    expect(big.norm.item()).toBeCloseTo(5, 12);
    close([...vals(big.grads.a), ...vals(big.grads.b)], [0.6, 0, 0.8], 1e-6);
    const small = clipByGlobalNorm(grads, 10);
    close([...vals(small.grads.a), ...vals(small.grads.b)], [3, 0, 4]);
  });
});

describe('memory', () => {
  it('200 steps of clip + AdamW + schedule + SGD leave the live tensor count flat', () => {
    const target = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    const loss = (p: Params): hg.Tensor => hg.sum(hg.mul(hg.sub(p.W, target), hg.sub(p.W, target)));
    const lrAt = warmupCosine(0.05, { warmup: 20, total: 200 });
    for (const opt of [adamw({ weightDecay: 0.1 }), sgd({ nesterov: true, weightDecay: 1e-4 })] as Optimizer<unknown>[]) {
      let params: Params = { W: hg.keep(hg.zeros([2, 3], 'float64')), b: hg.keep(hg.zeros([3], 'float64')) };
      let state = opt.init(params);
      const counts: number[] = [];
      for (let i = 0; i < 200; i++) {
        const { value, grads } = hg.valueAndGrad(loss)(params);
        const clipped = clipByGlobalNorm(grads, 1);
        disposeTree([value, grads, clipped.norm]);
        ({ params, state } = update(opt, params, clipped.grads, state, lrAt(i)));
        if (i >= 10) counts.push(hg.liveTensorCount());
      }
      expect(Math.max(...counts) - Math.min(...counts)).toBe(0);
      disposeTree([params, state]);
    }
    disposeTree(target);
  });
});
