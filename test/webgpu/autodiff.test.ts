/**
 * Autodiff sits above the backend, so if every primitive is right on
 * WebGPU, gradients and Hessian-vector products are too. This checks that
 * end to end on a 13-7-5 tanh MLP with a cross-entropy built from
 * primitives (relative error ≤ 1e-4 against the CPU backend), and that
 * 1,000 SGD steps inside tidy() leave GPU memory flat.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import type { Backend, Tensor } from '../../src/index.js';
import { G, Rng, cpu, noGpu } from './gpu.js';

type Params = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor };
const B = 9, D = 13, H = 7, C = 5;
const rng = new Rng(23);
const host = {
  w1: rng.array(D * H, 0.4), b1: rng.array(H, 0.1), w2: rng.array(H * C, 0.4), b2: rng.array(C, 0.1),
  x: rng.array(B * D), y: Array.from({ length: B }, () => Math.floor(rng.uniform() * C)),
};
const shapes = { w1: [D, H], b1: [H], w2: [H, C], b2: [C] };

function onBackend(b: Backend): { params: Params; x: Tensor; y: Tensor } {
  hg.setBackend(b);
  const f = (a: Float64Array, s: number[]) => hg.keep(hg.tensor(Float32Array.from(a), s));
  const onehot = new Float32Array(B * C);
  host.y.forEach((c, i) => { onehot[i * C + c] = 1; });
  return {
    params: { w1: f(host.w1, shapes.w1), b1: f(host.b1, shapes.b1), w2: f(host.w2, shapes.w2), b2: f(host.b2, shapes.b2) },
    x: f(host.x, [B, D]), y: hg.keep(hg.tensor(onehot, [B, C])),
  };
}

/** Mean cross-entropy of a tanh MLP: logsumexp(z) − ⟨z, y⟩, with the max subtracted for stability. */
function loss(p: Params, x: Tensor, y: Tensor): Tensor {
  const h = hg.tanh(hg.add(hg.matmul(x, p.w1), p.b1)); //   (B, H)
  const z = hg.add(hg.matmul(h, p.w2), p.b2); //             (B, C)
  const m = hg.stopGradient(hg.max(z, -1, true)); //          (B, 1)
  const lse = hg.add(hg.log(hg.sum(hg.exp(hg.sub(z, m)), -1, true)), m);
  return hg.mean(hg.sub(lse, hg.sum(hg.mul(z, y), -1, true)));
}

async function flat(t: Params): Promise<number[]> {
  const parts = await Promise.all([t.w1, t.b1, t.w2, t.b2].map((v) => v.data()));
  return parts.flatMap((a) => Array.from(a));
}

function relErr(a: number[], b: number[]): number {
  const num = Math.hypot(...a.map((v, i) => v - b[i]));
  return num / Math.max(Math.hypot(...b), 1e-30);
}

describe.skipIf(noGpu)('webgpu autodiff', () => {
  it('gradient and HVP of a 13-7-5 MLP match the CPU backend (relative error ≤ 1e-4)', async () => {
    const results: { g: number[]; hv: number[]; value: number }[] = [];
    for (const b of [cpu, G()]) {
      const { params, x, y } = onBackend(b);
      const v = hg.tidy(() => {
        const r = new Rng(99);
        const t = (s: number[]) => hg.tensor(Float32Array.from(r.array(s.reduce((a, c) => a * c, 1))), s);
        return hg.keep({ w1: t(shapes.w1), b1: t(shapes.b1), w2: t(shapes.w2), b2: t(shapes.b2) });
      });
      const f = (p: Params) => loss(p, x, y);
      const { value, grads } = hg.valueAndGrad(f)(params);
      const hv = hg.hvp(f, params, v);
      results.push({ g: await flat(grads), hv: await flat(hv), value: (await value.data())[0] });
    }
    const [c, g] = results;
    expect(Math.abs(g.value - c.value) / Math.abs(c.value)).toBeLessThan(1e-5);
    expect(relErr(g.g, c.g)).toBeLessThan(1e-4);
    expect(relErr(g.hv, c.hv)).toBeLessThan(1e-4);
    expect(Math.hypot(...c.hv)).toBeGreaterThan(1e-3); // a nontrivial curvature, so the comparison means something
  });

  it('1,000 SGD steps inside tidy() leave live buffers and bytes flat', async () => {
    const gpu = G();
    let { params, x, y } = onBackend(gpu);
    const step = (p: Params): Params => hg.tidy(() => {
      const g = hg.grad((q: Params) => loss(q, x, y))(p);
      return {
        w1: hg.sub(p.w1, hg.mul(g.w1, 0.1)), b1: hg.sub(p.b1, hg.mul(g.b1, 0.1)),
        w2: hg.sub(p.w2, hg.mul(g.w2, 0.1)), b2: hg.sub(p.b2, hg.mul(g.b2, 0.1)),
      };
    });
    const first = hg.tidy(() => loss(params, x, y));
    const loss0 = (await first.data())[0];
    let after10 = gpu.stats();
    for (let i = 0; i < 1000; i++) {
      const next = hg.keep(step(params));
      hg.dispose(Object.values(params));
      params = next;
      if (i === 9) after10 = gpu.stats();
    }
    const end = hg.tidy(() => loss(params, x, y));
    const loss1 = (await end.data())[0];
    const s = gpu.stats();
    expect(s.buffers, 'live buffers').toBe(after10.buffers + 1); // + the final loss
    expect(s.bytes - after10.bytes, 'live bytes').toBeLessThanOrEqual(256);
    expect(s.pooledBuffers, 'pool stays bounded').toBeLessThan(200);
    expect(loss1).toBeLessThan(loss0);
    hg.dispose([x, y, first, end, ...Object.values(params)]);
  });
});
