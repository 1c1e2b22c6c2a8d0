/** Choosing Hessian blocks by parameter name: globs, RegExps, row splits, and the errors. */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { blockDim, blocksByPattern, globToRegExp } from '../../src/hessian/index.js';

const params: hg.Params = {
  'embed.weight': hg.zeros([5, 4]),
  'blocks.0.attn.qkv.weight': hg.zeros([12, 4]),
  'blocks.0.attn.qkv.bias': hg.zeros([12]),
  'blocks.0.mlp.fc1.weight': hg.zeros([8, 4]),
  'blocks.1.attn.qkv.weight': hg.zeros([12, 4]),
  'blocks.1.mlp.fc1.weight': hg.zeros([8, 4]),
  'head.weight': hg.zeros([3, 4]),
  scale: hg.scalar(1),
};
const names = (bs: { name: string }[]) => bs.map((b) => b.name);

describe('globToRegExp', () => {
  it('keeps * within a segment, lets ** cross segments, and matches whole names', () => {
    expect(globToRegExp('blocks.*.mlp.fc1.weight').test('blocks.12.mlp.fc1.weight')).toBe(true);
    expect(globToRegExp('blocks.*.weight').test('blocks.0.mlp.weight')).toBe(false); // * stops at a dot
    expect(globToRegExp('blocks.**.weight').test('blocks.0.mlp.weight')).toBe(true);
    expect(globToRegExp('**.weight').test('weight')).toBe(true); // `**.` may match nothing
    expect(globToRegExp('**.weight').test('head.weight.extra')).toBe(false); // anchored at the end
    expect(globToRegExp('head.weight').test('headXweight')).toBe(false); // a dot is literal
    expect(globToRegExp('fc?.weight').test('fc1.weight')).toBe(true);
  });
});

describe('blocksByPattern', () => {
  it('takes parameters in their order, each once, the first matching rule deciding', () => {
    const bs = blocksByPattern(params, ['blocks.*.mlp.*.weight', /^(embed|head)\./]);
    expect(names(bs)).toEqual(['embed.weight', 'blocks.0.mlp.fc1.weight', 'blocks.1.mlp.fc1.weight', 'head.weight']);
    expect(bs.every((b) => b.param === b.name && b.rows === undefined)).toBe(true);
  });

  it('splits fused weights into equal row ranges, labelled or counted', () => {
    const bs = blocksByPattern(params, [{ match: '**.qkv.weight', split: ['q', 'k', 'v'] }, { match: 'embed.weight', split: 5 }]);
    expect(names(bs).slice(0, 5)).toEqual(['embed.weight[0]', 'embed.weight[1]', 'embed.weight[2]', 'embed.weight[3]', 'embed.weight[4]']);
    const q1 = bs.find((b) => b.name === 'blocks.1.attn.qkv.weight[k]')!;
    expect(q1).toEqual({ name: 'blocks.1.attn.qkv.weight[k]', param: 'blocks.1.attn.qkv.weight', rows: [4, 8] });
    expect(bs.reduce((s, b) => s + blockDim(params, b), 0)).toBe(5 * 4 + 2 * 12 * 4);
  });

  it('a global RegExp matches every name, not every other one', () => {
    expect(names(blocksByPattern(params, [/fc1/g]))).toEqual(['blocks.0.mlp.fc1.weight', 'blocks.1.mlp.fc1.weight']);
  });

  it('names a pattern that matches nothing, and one that only matches what an earlier one took', () => {
    expect(() => blocksByPattern(params, ['**.weight', 'blocks.*.mlp.fc2.weight'])).toThrow(
      /pattern 'blocks\.\*\.mlp\.fc2\.weight' matches no parameter \(have: embed\.weight, blocks\.0/,
    );
    expect(() => blocksByPattern(params, ['**.weight', /fc1/])).toThrow(/pattern \/fc1\/ matches only parameters an earlier pattern took/);
    expect(() => blocksByPattern(params, [])).toThrow(/no patterns given/);
  });

  it('refuses splits that do not fit', () => {
    expect(() => blocksByPattern(params, [{ match: 'head.weight', split: 2 }])).toThrow(/cannot split 'head.weight' with 3 rows into 2 equal parts/);
    expect(() => blocksByPattern(params, [{ match: 'scale', split: 1 }])).toThrow(/cannot split 'scale' by rows: it is a scalar/);
    expect(() => blocksByPattern(params, [{ match: 'head.weight', split: 0 }])).toThrow(/positive integer part count, got 0/);
    expect(() => blocksByPattern(params, [{ match: 'head.weight', split: ['a', 'a', 'b'] }])).toThrow(/labels of 'head.weight' repeat/);
  });

  it('gives blocks blockSpectra accepts: split rows measure the same operator as hand-written ones', async () => {
    // L(W) = ½ Σ_r c_r ‖W_r‖² over rows: H_bb for a row range is diagonal with the rows' c_r.
    const w = hg.tensor(Array.from({ length: 12 }, (_, i) => i / 10), [4, 3], 'float64');
    const c = hg.tensor([1, 2, 3, 4], [4, 1], 'float64');
    const loss = (p: hg.Params) => hg.mul(hg.sum(hg.mul(c, hg.square(p.w))), 0.5);
    const blocks = blocksByPattern({ w }, [{ match: 'w', split: 2 }]);
    const { results } = await hg.blockSpectra(loss, { w }, blocks, { steps: 6, probes: 1 });
    const eigs = (name: string) => [...new Set(results[name].probes[0].nodes.map((x) => Math.round(x * 1e9) / 1e9))];
    expect(eigs('w[0]')).toEqual([1, 2]);
    expect(eigs('w[1]')).toEqual([3, 4]);
  });
});
