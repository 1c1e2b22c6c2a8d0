/**
 * The BERT-style encoder: names and shapes, derivatives on a tiny float64
 * instance, masked characters never reaching the input, attention in both
 * directions, and Adam lowering the masked-prediction loss.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { type MaskedBatch, maskWindows, maskedBatch } from '../../src/data/masked.js';
import { makeBertTask } from '../../src/experiment/bert-task.js';
import { type BertConfig, bertPresets, createBert } from '../../src/models/bert.js';
import { Init } from '../../src/models/init.js';
import { adam, disposeTree, update } from '../../src/optim/index.js';
import { checkDerivatives } from '../helpers/check.js';
import { Rng } from '../helpers/rng.js';

const rng = new Rng(8);
const V = 11;
const tiny: BertConfig = { ...bertPresets.tiny, vocab: V };
const text = (n: number) => Int32Array.from({ length: n }, () => Math.floor(rng.uniform() * V));
const values = (t: hg.Tensor) => Array.from(t.dataSync());
/** A batch that scores every position, for looking at the output everywhere. */
const everywhere = (x: Int32Array, B: number, T: number): MaskedBatch => ({
  x: hg.tensor(x, [B, T], 'int32'),
  y: hg.tensor(new Int32Array(B * T), [B * T], 'int32'),
  at: hg.tensor(Int32Array.from({ length: B * T }, (_, i) => i), [B * T], 'int32'),
});

describe('bert', () => {
  it('has Hugging Face BERT names and a [MASK] row, and logits (M, V) at the masked positions', () => {
    const m = createBert(tiny, 1);
    const C = tiny.width;
    expect(m.params['embeddings.word_embeddings.weight'].shape).toEqual([V + 1, C]);
    expect(m.params['embeddings.position_embeddings.weight'].shape).toEqual([tiny.context, C]);
    for (const n of ['query', 'key', 'value']) expect(m.params[`encoder.layer.0.attention.self.${n}.weight`].shape).toEqual([C, C]);
    expect(m.params['encoder.layer.0.intermediate.dense.weight'].shape).toEqual([tiny.intermediate, C]);
    expect(m.params['encoder.layer.0.output.dense.weight'].shape).toEqual([C, tiny.intermediate]);
    for (const n of ['embeddings.LayerNorm', 'encoder.layer.0.attention.output.LayerNorm', 'encoder.layer.0.output.LayerNorm',
      'cls.predictions.transform.LayerNorm']) expect(m.params[`${n}.weight`], n).toBeDefined();
    expect(m.params['cls.predictions.decoder.weight'].shape).toEqual([V, C]);
    const b = maskedBatch(text(3 * 12), 3, 12, { vocab: V }, 1, 0); // k = round(1.8) = 2 per window
    expect([...m.logits(m.params, b).shape]).toEqual([6, V]);
    expect(Number.isFinite(m.loss(m.params, b).item())).toBe(true);
    for (const s of m.blocks()) expect(m.params[s.param], s.param).toBeDefined();
    expect(m.blocks().map((s) => s.name)).toContain('encoder.layer.0.attention.self.key');
  });

  it('rejects a batch without masked positions and one longer than the context', () => {
    const m = createBert(tiny, 1);
    const x = hg.tensor(text(8), [1, 8], 'int32');
    expect(() => m.loss(m.params, { x, y: x })).toThrow(/no masked positions/);
    expect(() => m.logits(m.params, everywhere(text(20), 1, 20))).toThrow(/sequence length 20 exceeds the context 16/);
  });

  it('the loss is the cross-entropy averaged over the masked positions only', () => {
    const m = createBert(tiny, 2, new Init(2, 'float64'));
    const [B, T] = [2, 10];
    const b = maskedBatch(text(B * T), B, T, { vocab: V }, 3, 0);
    // Score every position, then average −log p(original) over the masked ones by hand.
    const all = m.logits(m.params, everywhere(Int32Array.from(values(b.x)), B, T)); // (B·T, V)
    const lp = values(hg.logSoftmax(all));
    const at = values(b.at), y = values(b.y);
    const expected = -at.reduce((s, p, i) => s + lp[p * V + y[i]], 0) / at.length;
    expect(m.loss(m.params, b).item()).toBeCloseTo(expected, 12);
  });

  it('derivative check on a tiny float64 instance (JVP vs finite differences, VJP adjoint)', () => {
    const m = createBert(tiny, 3, new Init(3, 'float64'));
    const b = maskedBatch(text(2 * 8), 2, 8, { vocab: V }, 4, 0);
    const names = Object.keys(m.params);
    const f = (xs: hg.Tensor[]) => m.loss(Object.fromEntries(names.map((n, i) => [n, xs[i]])), b);
    checkDerivatives(f, names.map((n) => m.params[n]), { order: 1, eps: 1e-6, rtol: 1e-6, atol: 1e-7 });
  });

  it('masked characters never reach the input: changing them leaves the output at every position unchanged', () => {
    const m = createBert(tiny, 4, new Init(4, 'float64'));
    const [B, T] = [2, 16];
    const ids = text(B * T);
    const a = maskWindows(ids, B, T, { vocab: V }, 6, 2);
    const hidden = Array.from(a.at).filter((p) => a.x[p] !== ids[p]); // shown as [MASK] or a random character
    expect(hidden.length).toBeGreaterThan(0);
    const changed = ids.slice();
    for (const p of hidden) changed[p] = (ids[p] + 3) % V;
    const b = maskWindows(changed, B, T, { vocab: V }, 6, 2);
    expect(b.y).not.toEqual(a.y); // the targets did change
    const out = (x: Int32Array) => values(m.logits(m.params, everywhere(x, B, T)));
    expect(out(b.x)).toEqual(out(a.x));
    // And the check is not vacuous: showing the characters instead changes the output.
    expect(out(changed)).not.toEqual(out(ids));
  });

  it('attention is bidirectional: the first position responds to a change at the last', () => {
    const m = createBert(tiny, 5, new Init(5, 'float64'));
    const T = 12;
    const x = text(T);
    const y = x.slice();
    y[T - 1] = (x[T - 1] + 1) % V;
    const first = (ids: Int32Array) => {
      const zero = () => hg.tensor(Int32Array.of(0), [1], 'int32');
      const batch: MaskedBatch = { x: hg.tensor(ids, [1, T], 'int32'), y: zero(), at: zero() }; // score position 0 only
      return values(m.logits(m.params, batch));
    };
    const d = first(x).map((v, i) => Math.abs(v - first(y)[i]));
    expect(Math.max(...d)).toBeGreaterThan(1e-8);
  });

  it('twenty Adam steps on one batch lower the masked-prediction loss', () => {
    const m = createBert(tiny, 6);
    const b = maskedBatch(text(8 * 16), 8, 16, { vocab: V }, 7, 0);
    const opt = adam();
    let params = m.params;
    let state = opt.init(params);
    const first = m.loss(params, b).item();
    for (let s = 0; s < 20; s++) {
      const g = hg.grad((p: typeof params) => m.loss(p, b))(params);
      ({ params, state } = update(opt, params, g, state, 3e-3));
    }
    const last = m.loss(params, b).item();
    disposeTree([params, state]);
    expect(last).toBeLessThan(first - 0.1);
  });
});

describe('bert task', () => {
  it('draws the same masked batch for the same (seed, step) and a different one for another step', () => {
    const task = makeBertTask('tiny', 0);
    const a = task.batch(4, 3) as MaskedBatch, b = task.batch(4, 3) as MaskedBatch, c = task.batch(4, 4) as MaskedBatch;
    expect([values(a.x), values(a.y), values(a.at)]).toEqual([values(b.x), values(b.y), values(b.at)]);
    expect(values(a.x)).not.toEqual(values(c.x));
    const cfg = task.model.config as BertConfig;
    expect(values(a.x)).toContain(cfg.vocab); // [MASK] shows in some of the 8 masked positions (each 80% likely)
    expect(Number.isFinite(task.model.loss(task.model.params, a).item())).toBe(true);
  });
});
