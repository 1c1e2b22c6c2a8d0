/**
 * BatchNorm2d with PyTorch's semantics: per-channel statistics over
 * (B, H, W), a learned scale γ and shift β (parameters), and running
 * statistics (buffers, never differentiated) that training updates and
 * evaluation uses. The three ways of normalizing are named by `BnMode`.
 */
import {
  type Params, type Tensor, add, div, formatShape, mean, mul, reshape, sqrt, square, stopGradient, sub,
} from '../tensor/index.js';

/**
 * Where BatchNorm takes its mean and variance from.
 *  - `'eval'`: the running statistics (buffers), as PyTorch's `model.eval()`.
 *    The normalization is then a fixed per-channel affine map of the input;
 *    at initialization (running mean 0, running var 1) it is
 *    y = γ·x/√(1+ε) + β, the identity up to the factor 1/√(1+ε) ≈ 1 − 5·10⁻⁶
 *    (exactly as in PyTorch). The default for the Hessian measurement, as in
 *    the paper's code.
 *  - `'batch'`: the batch's own mean and biased variance, frozen: both are
 *    computed from the input and then treated as constants (`stopGradient`),
 *    so derivatives flow through (x − μ)/√(σ² + ε) as if μ and σ² did not
 *    depend on x (or on anything upstream of x). The value equals `'train'`;
 *    the derivatives do not. heterograd's earlier "eval" behaviour.
 *  - `'train'`: the batch's mean and biased variance, differentiated through,
 *    as PyTorch's `model.train()` forward. The loss never reads the running
 *    statistics; updating them is a separate, derivative-free step
 *    (`updateRunning`, `Model.lossAndBuffers`).
 */
export type BnMode = 'eval' | 'batch' | 'train';
/** Every BnMode, for validating a `--bn` flag. */
export const BN_MODES: readonly BnMode[] = ['eval', 'batch', 'train'];

/** PyTorch's defaults (torch.nn.BatchNorm2d). */
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/** A layer's running statistics, each (C,). */
export interface RunningStats {
  mean: Tensor;
  var: Tensor;
}

/** The buffer names of the layer `name`, as in a PyTorch state dict. */
export const runningNames = (name: string) => ({ mean: `${name}.running_mean`, var: `${name}.running_var` });

/** Initial buffers of the layer `name` with C channels: running mean 0, running var 1, made by `fill` (e.g. `Init.const`). */
export function initialRunning(name: string, fill: (shape: number[], value: number) => Tensor, c: number): Params {
  const n = runningNames(name);
  return { [n.mean]: fill([c], 0), [n.var]: fill([c], 1) };
}

/** The running statistics of layer `name` in `buffers`; a clear error if they are missing. */
export function runningOf(buffers: Params | undefined, name: string): RunningStats {
  const n = runningNames(name);
  const stats = { mean: buffers?.[n.mean], var: buffers?.[n.var] };
  if (!stats.mean || !stats.var) {
    throw new Error(`batchNorm: the buffers lack the running statistics ${n.mean} and ${n.var}`);
  }
  return stats as RunningStats;
}

function checkShapes(x: Tensor, gamma: Tensor, beta: Tensor): number {
  const c = x.shape[1];
  if (x.rank !== 4 || gamma.rank !== 1 || gamma.shape[0] !== c || beta.rank !== 1 || beta.shape[0] !== c) {
    throw new Error(`batchNorm: expected x (B, C, H, W) with γ and β (C,), got ${formatShape(x.shape)}, ${formatShape(gamma.shape)}, ${formatShape(beta.shape)}`);
  }
  return c;
}

/** Values per channel, B·H·W; batch statistics need at least two (PyTorch refuses one as well). */
function perChannel(x: Tensor, mode: BnMode): number {
  const n = x.shape[0] * x.shape[2] * x.shape[3];
  if (n < 2) throw new Error(`batchNorm: '${mode}' mode needs more than one value per channel, got input ${formatShape(x.shape)}`);
  return n;
}

/** Batch mean and biased variance per channel, kept (1, C, 1, 1) for broadcasting. */
function batchStats(x: Tensor): { mu: Tensor; v: Tensor } {
  const mu = mean(x, [0, 2, 3], true); // (1, C, 1, 1)
  return { mu, v: mean(square(sub(x, mu)), [0, 2, 3], true) }; // (1, C, 1, 1)
}

/**
 * BatchNorm over (B, H, W) per channel of x (B, C, H, W) → (B, C, H, W).
 * `running` is read only in `'eval'` mode (and required there).
 */
export function batchNorm(
  x: Tensor, gamma: Tensor, beta: Tensor, mode: BnMode, running?: RunningStats, eps = BN_EPS,
): Tensor {
  const c = checkShapes(x, gamma, beta);
  const col = (t: Tensor) => reshape(t, [1, c, 1, 1]);
  if (mode === 'eval') {
    if (!running) throw new Error("batchNorm: 'eval' mode needs the running statistics");
    // PyTorch's eval transform: one scale and shift per channel, y = x·a + (β − μ_run·a), a = γ/√(σ²_run + ε).
    const a = div(gamma, sqrt(add(running.var, eps))); // (C,)
    return add(mul(x, col(a)), col(sub(beta, mul(running.mean, a))));
  }
  if (mode !== 'train' && mode !== 'batch') throw new Error(`batchNorm: unknown mode '${String(mode)}'; valid: ${BN_MODES.join(', ')}`);
  perChannel(x, mode);
  let { mu, v } = batchStats(x);
  if (mode === 'batch') { mu = stopGradient(mu); v = stopGradient(v); }
  const y = div(sub(x, mu), sqrt(add(v, eps))); // (B, C, H, W)
  return add(mul(y, col(gamma)), col(beta));
}

/**
 * PyTorch's running update after a train-mode batch:
 * running ← (1 − m)·running + m·batch, with the *unbiased* batch variance
 * σ²·n/(n − 1), n = B·H·W (normalization itself uses the biased one).
 * Computed from x's value only: the result carries no derivatives.
 */
export function updateRunning(running: RunningStats, x: Tensor, momentum = BN_MOMENTUM): RunningStats {
  const n = perChannel(x, 'train');
  const c = x.shape[1];
  const { mu, v } = batchStats(stopGradient(x));
  const blend = (old: Tensor, now: Tensor) => add(mul(old, 1 - momentum), mul(reshape(now, [c]), momentum)); // (C,)
  return { mean: blend(running.mean, mu), var: blend(running.var, mul(v, n / (n - 1))) };
}
