/**
 * The cost of blockwise Hessian-vector products: all blocks of a model in one
 * k-tangent sweep (what the spectra use: one tangent tensor per direction)
 * against one plain HVP per block, and the same sweep with its tangents
 * stacked through each op (`setTangentStacking(true)`, off by default).
 */
import { type BlockSpec, blockDim, blockHvps } from '../src/hessian/index.js';
import * as hg from '../src/index.js';
import { makeRng } from '../src/util/rng.js';
import { createVit, vitPresets } from '../src/models/vit.js';
import { median, timeItAsync } from './timing.js';

export interface BlockBenchRow {
  model: string;
  blocks: number;
  sweepMs: number;
  /** The same sweep with the tangents stacked through each op (`setTangentStacking(true)`). */
  stackedMs: number;
  perBlockMs: number;
  separateMs: number;
  speedup: number;
}

export async function benchBlocks(runs = 5): Promise<BlockBenchRow> {
  const rng = makeRng(1);
  const model = createVit(vitPresets.small, 0);
  const x = hg.keep(hg.tensor(Float32Array.from({ length: 64 * 784 }, () => rng.uniform()), [64, 784]));
  const y = hg.keep(hg.tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64], 'int32'));
  const loss = (p: Record<string, hg.Tensor>) => model.loss(p, { x, y }, 'eval');
  const blocks: BlockSpec[] = model.blocks();
  const reqs = blocks.map((block) => ({ block, v: Float64Array.from({ length: blockDim(model.params, block) }, () => rng.normal()) }));
  // The default sweep carries one tangent per direction; the stacked path is timed beside it.
  const prev = hg.setTangentStacking(false);
  const sweep = median(await timeItAsync(async () => { await blockHvps(loss, model.params, reqs); }, runs, 1));
  hg.setTangentStacking(true);
  const stacked = median(await timeItAsync(async () => { await blockHvps(loss, model.params, reqs); }, runs, 1));
  hg.setTangentStacking(false);
  const separate = median(await timeItAsync(async () => { for (const r of reqs) await blockHvps(loss, model.params, [r]); }, runs, 1));
  hg.setTangentStacking(prev);
  return {
    model: `ViT small (${blocks.length} blocks), batch 64`, blocks: blocks.length,
    sweepMs: sweep, stackedMs: stacked, perBlockMs: sweep / blocks.length, separateMs: separate, speedup: separate / sweep,
  };
}
