/**
 * The cost of blockwise Hessian-vector products: all blocks of a model in one
 * k-tangent sweep (what the spectra use: one tangent tensor per direction)
 * against one HVP per block, and the same sweep with its tangents stacked
 * through each op (`setTangentStacking(true)`, off by default). "One HVP per
 * block" is blockHvps on one block: its tangent starts at the block and its
 * gradient stops there, so it is already pruned. For scale, the naive way is
 * timed too: a full HVP (`hg.hvp`, every parameter's gradient and tangent)
 * with v zero outside the block. All four are interleaved round by round,
 * each timed call right after an untimed one of its own (timeInterleavedAsync's
 * `prime`): the spectra repeat one sweep many times, and that steady state,
 * with the array pool holding that sweep's arrays, is what is timed.
 */
import { type BlockSpec, blockDim, blockHvps, tangentOf } from '../src/hessian/index.js';
import * as hg from '../src/index.js';
import { makeRng } from '../src/util/rng.js';
import { createVit, vitPresets } from '../src/models/vit.js';
import { median, timeInterleavedAsync } from './timing.js';

export interface BlockBenchRow {
  model: string;
  blocks: number;
  sweepMs: number;
  /** The same sweep with the tangents stacked through each op (`setTangentStacking(true)`). */
  stackedMs: number;
  perBlockMs: number;
  separateMs: number;
  speedup: number;
  /** One full hg.hvp per block (v zero elsewhere), total, and the sweep's speed-up against it. */
  fullMs: number;
  fullSpeedup: number;
}

export async function benchBlocks(runs = 5): Promise<BlockBenchRow> {
  const rng = makeRng(1);
  const model = createVit(vitPresets.small, 0);
  const x = hg.keep(hg.tensor(Float32Array.from({ length: 64 * 784 }, () => rng.uniform()), [64, 784]));
  const y = hg.keep(hg.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64], 'int32'));
  const loss = (p: Record<string, hg.Tensor>) => model.loss(p, { x, y }, 'eval');
  const blocks: BlockSpec[] = model.blocks();
  const reqs = blocks.map((block) => ({ block, v: Float64Array.from({ length: blockDim(model.params, block) }, () => rng.normal()) }));
  const zeroV = hg.keep(Object.fromEntries(Object.entries(model.params).map(([k, t]) => [k, hg.zeros(t.shape, t.dtype)])));
  const fullFor = reqs.map((r) => hg.keep({ ...zeroV, [r.block.param]: tangentOf(model.params, r.block, r.v) }));
  // The default sweep carries one tangent per direction; the stacked path is timed beside it.
  const prev = hg.setTangentStacking(false);
  const stackedSweep = async () => { hg.setTangentStacking(true); try { await blockHvps(loss, model.params, reqs); } finally { hg.setTangentStacking(false); } };
  const [sweep, stacked, separate, full] = (await timeInterleavedAsync([
    async () => { await blockHvps(loss, model.params, reqs); },
    stackedSweep,
    async () => { for (const r of reqs) await blockHvps(loss, model.params, [r]); },
    async () => { for (const v of fullFor) hg.tidy(() => { hg.hvp(loss, model.params, v); }); },
  ], runs, 1, true)).map(median);
  hg.setTangentStacking(prev);
  return {
    model: `ViT small (${blocks.length} blocks), batch 64`, blocks: blocks.length,
    sweepMs: sweep, stackedMs: stacked, perBlockMs: sweep / blocks.length, separateMs: separate, speedup: separate / sweep,
    fullMs: full, fullSpeedup: full / sweep,
  };
}
