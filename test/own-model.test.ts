/** examples/own-model.ts (README, "Your own model") runs, and its numbers agree with the exact block Hessians. */
import { expect, it } from 'vitest';
import * as hg from 'heterograd';
import { analyseOwnModel, formatReport, ownModel } from '../examples/own-model.js';

/** Exact λmax of every block's H_bb, from the dense block Hessian built column by column (blocks here are ≤ 48 wide). */
async function exactLambdaMax(): Promise<Record<string, number>> {
  const { params, loss } = ownModel(0);
  const blocks = hg.blocksByPattern(params, [{ match: 'attn.qkv.weight', split: ['q', 'k', 'v'] }, /\.weight$/]);
  const out: Record<string, number> = {};
  for (const b of blocks) {
    const d = hg.blockDim(params, b);
    const basis = Array.from({ length: d }, (_, j) => { const e = new Float64Array(d); e[j] = 1; return { block: b, v: e }; });
    const cols = await hg.blockHvps(loss, params, basis); // column j = H_bb·e_j, all from one sweep
    const a = new Float64Array(d * d); // (d, d)
    cols.forEach((c, j) => c.forEach((x, i) => { a[i * d + j] = x; }));
    const { values } = hg.symEig(a, d);
    out[b.name] = values[values.length - 1];
  }
  return out;
}

it('the own-model example runs and its λmax match the dense block Hessians', async () => {
  const r = await analyseOwnModel();
  expect(r.rows.map((x) => [x.block, x.dim])).toEqual([
    ['attn.qkv.weight[q]', 36], ['attn.qkv.weight[k]', 36], ['attn.qkv.weight[v]', 36], ['mlp.fc1.weight', 48], ['mlp.fc2.weight', 24],
  ]);
  const exact = await exactLambdaMax();
  // 30 Lanczos steps (24 for fc2: its dimension) from 4 probes converge the extreme Ritz value.
  for (const row of r.rows) expect(Math.abs(row.lambdaMax - exact[row.block]) / exact[row.block], row.block).toBeLessThan(1e-6);
  expect(r.js0).toBeGreaterThan(0);
  expect(r.js0).toBeLessThanOrEqual(Math.sqrt(Math.LN2));
  const report = formatReport(r);
  for (const row of r.rows) expect(report).toContain(row.block);
  expect(report).toContain(`JS0 over 5 blocks: ${r.js0.toFixed(4)}`);
});
