/**
 * Phase 2: SGD versus Adam. Every run starts from the same initial
 * parameters and sees the same batches; a run whose loss turns NaN or Inf
 * stops and is recorded as diverged at that step, and the others go on.
 */
import { type Optimizer, adam, clipByGlobalNorm, disposeTree, sgd, update, warmupCosine } from '../optim/index.js';
import { valueAndGrad } from '../autodiff/index.js';
import { type Tensor, keep, tidy } from '../tensor/index.js';
import { argmaxAccuracy, copyTensor } from './evaluate.js';
import type { TrainSettings } from './settings.js';
import type { Task } from './task.js';

export type OptimizerName = 'sgd' | 'adam';

export interface RunResult {
  optimizer: OptimizerName;
  lr: number;
  /** Training loss at every step (until divergence). */
  losses: number[];
  /** Mean of the last 10% of the recorded losses; null if diverged. */
  finalLoss: number | null;
  /** Where the loss turned non-finite; JSON has no NaN/Inf, so the loss is kept as its name (see {@link jsonLoss}). */
  diverged: { step: number; loss: JsonLoss } | null;
  heldOutLoss: number | null;
  heldOutAccuracy: number | null;
  seconds: number;
}

export interface TrainingResult {
  settings: TrainSettings & { schedule: string; sgdMomentum: number; adamBetas: [number, number] };
  runs: RunResult[];
  best: Record<OptimizerName, { lr: number; finalLoss: number } | null>;
  /** Best SGD final loss minus best Adam final loss (positive: Adam ahead). */
  gap: number | null;
}

/** A loss as JSON can hold it: the number when finite, else 'NaN', 'Infinity' or '-Infinity' (JSON.stringify would write null for all three). */
export type JsonLoss = number | 'NaN' | 'Infinity' | '-Infinity';
export const jsonLoss = (x: number): JsonLoss => (Number.isFinite(x) ? x : (String(x) as 'NaN' | 'Infinity' | '-Infinity'));

/** No weight decay for either: the comparison is of the update rules alone. */
const makeOptimizer = (name: OptimizerName): Optimizer<unknown> =>
  (name === 'sgd' ? sgd({ momentum: 0.9 }) : adam({ beta1: 0.9, beta2: 0.999, eps: 1e-8 })) as Optimizer<unknown>;

export async function trainOne(
  task: Task, s: TrainSettings, optimizer: OptimizerName, lr: number,
  onStep: (step: number, loss: number) => void,
): Promise<RunResult> {
  const t0 = performance.now();
  const opt = makeOptimizer(optimizer);
  const schedule = warmupCosine(lr, { warmup: Math.max(1, Math.round(0.05 * s.steps)), total: s.steps, minLr: 0.1 * lr });
  const { model } = task;
  let params = keep(tidy(() => Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, copyTensor(v)]))));
  let state = opt.init(params);
  const losses: number[] = [];
  let diverged: RunResult['diverged'] = null;
  for (let step = 0; step < s.steps; step++) {
    const batch = task.batch(s.batch, step);
    const { value, grads } = valueAndGrad((p: Record<string, Tensor>) => model.loss(p, batch, 'train'))(params);
    const loss = await value.itemAsync();
    disposeTree([value, batch]);
    if (!Number.isFinite(loss)) {
      diverged = { step, loss: jsonLoss(loss) };
      disposeTree(grads);
      break;
    }
    losses.push(loss);
    onStep(step, loss);
    const clipped = keep(tidy(() => clipByGlobalNorm(grads, s.clip).grads));
    disposeTree(grads);
    ({ params, state } = update(opt, params, clipped, state, schedule(step)));
  }
  let heldOutLoss: number | null = null;
  let heldOutAccuracy: number | null = null;
  if (!diverged) {
    const hb = task.heldOut(s.heldOut);
    [heldOutLoss, heldOutAccuracy] = await Promise.all([
      tidy(() => model.loss(params, hb, 'train')).itemAsync(),
      argmaxAccuracy(tidy(() => model.logits(params, hb, 'train')), hb.y),
    ]);
    disposeTree(hb);
  }
  disposeTree([params, state]);
  const tail = losses.slice(-Math.max(1, Math.round(losses.length / 10)));
  return {
    optimizer, lr, losses,
    finalLoss: diverged ? null : tail.reduce((a, b) => a + b, 0) / tail.length,
    diverged, heldOutLoss, heldOutAccuracy,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Best run per optimizer (lowest final loss) and the SGD − Adam gap. */
export function summarize(s: TrainSettings, runs: RunResult[]): TrainingResult {
  const best = (name: OptimizerName) => {
    const ok = runs.filter((r) => r.optimizer === name && r.finalLoss !== null);
    if (ok.length === 0) return null;
    const b = ok.reduce((a, r) => (r.finalLoss! < a.finalLoss! ? r : a));
    return { lr: b.lr, finalLoss: b.finalLoss! };
  };
  const sgdBest = best('sgd'), adamBest = best('adam');
  return {
    settings: { ...s, schedule: 'linear warmup (5% of steps) + cosine to 10%', sgdMomentum: 0.9, adamBetas: [0.9, 0.999] },
    runs,
    best: { sgd: sgdBest, adam: adamBest },
    gap: sgdBest && adamBest ? sgdBest.finalLoss - adamBest.finalLoss : null,
  };
}
