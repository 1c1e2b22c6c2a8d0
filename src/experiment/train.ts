/**
 * Phase 2: SGD versus Adam (and, on request, blockwise-lr SGD and Adam-mini).
 * Every run starts from the same initial parameters and sees the same
 * batches; a run whose loss turns NaN or Inf stops and is recorded as
 * diverged at that step, and the others go on.
 */
import {
  type Optimizer, adam, adamMini, clipByGlobalNorm, disposeTree, sgd, sgdBlockwise, update, warmupCosine,
} from '../optim/index.js';
import type { BlockSpec } from '../hessian/index.js';
import { lossGradAndBuffers } from '../models/buffers.js';
import { type Params, keep, tidy } from '../tensor/index.js';
import { argmaxAccuracy, copyTensor } from './evaluate.js';
import type { TrainSettings } from './settings.js';
import type { JsonLoss, OptimizerName, RunResult, Task, TrainingResult } from './types.js';

/** What blockwise-lr SGD needs: a learning-rate multiplier per block (from λ_max of each H_bb at initialization). */
export interface BlockScales { scale: Record<string, number>; blocks: BlockSpec[] }

/**
 * No weight decay for any: the comparison is of the update rules alone.
 * Adam-mini keeps one second moment per parameter tensor (its default partition).
 */
function makeOptimizer(name: OptimizerName, scales?: BlockScales): Optimizer<unknown> {
  switch (name) {
    case 'sgd': return sgd({ momentum: 0.9 }) as Optimizer<unknown>;
    case 'adam': return adam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }) as Optimizer<unknown>;
    case 'adam-mini': return adamMini({ beta1: 0.9, beta2: 0.999, eps: 1e-8 }) as Optimizer<unknown>;
    case 'sgd-blockwise':
      if (!scales) throw new Error('sgd-blockwise needs the block spectra (λ_max per block); it cannot run with --only train');
      return sgdBlockwise({ momentum: 0.9, blockScale: scales.scale, blocks: scales.blocks }) as Optimizer<unknown>;
    default: return name satisfies never;
  }
}

/** A loss as JSON can hold it: the number when finite, else 'NaN', 'Infinity' or '-Infinity' (JSON.stringify would write null for all three). */
export const jsonLoss = (x: number): JsonLoss => (Number.isFinite(x) ? x : (String(x) as 'NaN' | 'Infinity' | '-Infinity'));

/**
 * Ways into a training run beyond its losses. The parameters and buffers
 * handed out are the run's own: read them (spectra, saving) before the
 * returned promise settles, never keep or free them.
 */
export interface TrainHooks {
  /**
   * Called before step s for each s in `steps` (s = the run's step count: after
   * the last step), with the parameters and buffers at that point.
   */
  at?: { steps: readonly number[]; fn: (step: number, params: Params, buffers: Params) => Promise<void> };
  /** Called once with the final parameters and buffers and the run's result (not when the run diverged). */
  onTrained?: (params: Params, buffers: Params, result: RunResult) => Promise<void>;
  /** The optimizer instead of the named one (pretraining uses AdamW with weight decay); `optimizer` then only names it. */
  optimizer?: Optimizer<unknown>;
}

export async function trainOne(
  task: Task, s: TrainSettings, optimizer: OptimizerName, lr: number,
  onStep: (step: number, loss: number) => void, scales?: BlockScales, hooks: TrainHooks = {},
): Promise<RunResult> {
  const t0 = performance.now();
  const opt = hooks.optimizer ?? makeOptimizer(optimizer, scales);
  const schedule = warmupCosine(lr, { warmup: Math.max(1, Math.round(0.05 * s.steps)), total: s.steps, minLr: 0.1 * lr });
  const { model } = task;
  const copy = (p: Params): Params => keep(tidy(() => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, copyTensor(v)]))));
  let params = copy(model.params);
  // BatchNorm running statistics: updated by every training step, read by the held-out evaluation ('eval' mode).
  let buffers = copy(model.buffers ?? {});
  let state = opt.init(params);
  const losses: number[] = [];
  let diverged: RunResult['diverged'] = null;
  const at = new Set(hooks.at?.steps ?? []);
  for (let step = 0; step < s.steps; step++) {
    if (at.has(step)) await hooks.at!.fn(step, params, buffers);
    const batch = task.batch(s.batch, step);
    const { value, grads, buffers: nextBuffers } = lossGradAndBuffers(model, params, buffers, batch);
    disposeTree(buffers);
    buffers = nextBuffers;
    const loss = await value.itemAsync();
    disposeTree([value, batch]);
    if (!Number.isFinite(loss)) {
      diverged = { step, loss: jsonLoss(loss) };
      disposeTree(grads);
      break;
    }
    losses.push(loss);
    onStep(step, loss);
    // On the CPU every await above resolves as a microtask: without a macrotask turn, Ctrl-C waits for the whole run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const clipped = keep(tidy(() => clipByGlobalNorm(grads, s.clip).grads));
    disposeTree(grads);
    ({ params, state } = update(opt, params, clipped, state, schedule(step)));
  }
  let heldOutLoss: number | null = null;
  let heldOutAccuracy: number | null = null;
  if (!diverged) {
    const hb = task.heldOut(s.heldOut);
    const heldLoss = tidy(() => model.loss(params, hb, 'eval', buffers));
    [heldOutLoss, heldOutAccuracy] = await Promise.all([
      heldLoss.itemAsync(),
      argmaxAccuracy(tidy(() => model.logits(params, hb, 'eval', buffers)), hb.y),
    ]);
    disposeTree([hb, heldLoss]);
    if (at.has(s.steps)) await hooks.at!.fn(s.steps, params, buffers);
  }
  const tail = losses.slice(-Math.max(1, Math.round(losses.length / 10)));
  const result: RunResult = {
    optimizer, lr, losses,
    finalLoss: diverged ? null : tail.reduce((a, b) => a + b, 0) / tail.length,
    diverged, heldOutLoss, heldOutAccuracy,
    seconds: (performance.now() - t0) / 1000,
  };
  try {
    if (!diverged) await hooks.onTrained?.(params, buffers, result);
  } finally {
    disposeTree([params, state, buffers]);
  }
  return result;
}

/** Best run per optimizer (lowest final loss), the SGD − Adam gap, and each other optimizer's gap to Adam. */
export function summarize(
  s: TrainSettings, runs: RunResult[], optimizers: readonly OptimizerName[], searches: TrainingResult['grids'],
): TrainingResult {
  const best = (name: OptimizerName) => {
    const ok = runs.filter((r) => r.optimizer === name && r.finalLoss !== null);
    if (ok.length === 0) return null;
    const b = ok.reduce((a, r) => (r.finalLoss! < a.finalLoss! ? r : a));
    return { lr: b.lr, finalLoss: b.finalLoss! };
  };
  const bests = Object.fromEntries(optimizers.map((o) => [o, best(o)])) as TrainingResult['best'];
  const adamBest = bests.adam ?? null;
  const gapTo = (o: OptimizerName) => {
    const b = bests[o];
    return b && adamBest ? b.finalLoss - adamBest.finalLoss : null;
  };
  return {
    settings: {
      ...s, optimizers: [...optimizers], schedule: 'linear warmup (5% of steps) + cosine to 10%', sgdMomentum: 0.9, adamBetas: [0.9, 0.999],
      bestBy: 'lowest final training loss (mean of the last 10% of steps)',
    },
    runs,
    best: bests,
    grids: searches,
    gap: bests.sgd !== undefined ? gapTo('sgd') : null,
    gaps: Object.fromEntries(optimizers.filter((o) => o !== 'adam').map((o) => [o, gapTo(o)])),
  };
}

/** Each optimizer's best learning rate (optimizers whose runs all diverged are left out). */
export function bestLrs(t: TrainingResult): Partial<Record<OptimizerName, number>> {
  const out: Partial<Record<OptimizerName, number>> = {};
  for (const [o, b] of Object.entries(t.best) as [OptimizerName, { lr: number } | null][]) if (b) out[o] = b.lr;
  return out;
}
