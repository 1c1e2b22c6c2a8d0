/**
 * A 1-layer Transformer (GPT-nano: embeddings, layernorm, causal softmax
 * attention, GELU MLP, cross-entropy) on WebGPU: its loss, gradient and a
 * Hessian-vector product match the CPU backend to relative error ≤ 1e-4.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import type { Backend, Tensor } from '../../src/index.js';
import { createGpt } from '../../src/models/gpt.js';
import { G, Rng, cpu, noGpu } from './gpu.js';

const V = 11, B = 2, T = 7;
const cfg = { vocab: V, context: 8, width: 16, heads: 2, depth: 1, mlpRatio: 2 };

async function run(b: Backend): Promise<{ loss: number; g: number[]; hv: number[] }> {
  hg.setBackend(b);
  const model = createGpt(cfg, 3); // same seed: the same initial weights on either backend
  const rng = new Rng(8);
  const ids = () => hg.tensor(Int32Array.from({ length: B * T }, () => Math.floor(rng.uniform() * V)), [B, T], 'int32');
  const batch = { x: ids(), y: ids() };
  const vr = new Rng(5);
  const v = Object.fromEntries(Object.entries(model.params).map(([k, p]) =>
    [k, hg.tensor(Float32Array.from({ length: p.size }, () => vr.normal()), p.shape)]));
  const f = (p: Record<string, Tensor>) => model.loss(p, batch);
  const { value, grads } = hg.valueAndGrad(f)(model.params);
  const hv = hg.hvp(f, model.params, v);
  const flat = async (r: Record<string, Tensor>) => (await Promise.all(Object.keys(model.params).map((k) => r[k].data()))).flatMap((a) => Array.from(a));
  return { loss: (await value.data())[0], g: await flat(grads), hv: await flat(hv) };
}

const relErr = (a: number[], b: number[]) => Math.hypot(...a.map((x, i) => x - b[i])) / Math.max(Math.hypot(...b), 1e-30);

describe.skipIf(noGpu)('webgpu: 1-layer Transformer', () => {
  it('loss, gradient and HVP match the CPU backend (relative error ≤ 1e-4)', async () => {
    const c = await run(cpu);
    const g = await run(G());
    expect(Math.abs(g.loss - c.loss) / c.loss).toBeLessThan(1e-5);
    expect(relErr(g.g, c.g)).toBeLessThan(1e-4);
    expect(relErr(g.hv, c.hv)).toBeLessThan(1e-4);
    expect(Math.hypot(...c.hv)).toBeGreaterThan(1e-3);
  });
});

describe.skipIf(noGpu)('webgpu: bad embedding ids', () => {
  it('an out-of-range id is an error at the call, not a silent read of garbage', () => {
    hg.setBackend(G());
    const table = hg.zeros([5, 3]);
    expect(() => hg.gather(table, hg.tensor([0, 5, 1], [3], 'int32'))).toThrow('gather: index 5 at position 1 is out of range for a table of 5 rows');
    expect(() => hg.gather(table, hg.tensor([-1], [1], 'int32'))).toThrow(/index -1 at position 0/);
  });
});
