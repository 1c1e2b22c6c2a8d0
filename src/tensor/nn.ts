/**
 * Composite operations built from primitives: activations, losses,
 * normalization with scale and shift, attention and convolution. Because they
 * compose differentiable primitives, they need no rules of their own and are
 * correct to any order.
 */
import { fromArray as createFrom, getBackend } from './create.js';
import { fmt } from './shapes.js';
import {
  add, div, erf, exp, gather, greater, im2col, log, matmul, max, mean, mul, layernorm,
  reshape, softmax, stopGradient, sub, sum, tanh, transpose, where,
} from './ops.js';
import { type Tensor, keep as keepTensor } from './tensor.js';

const SQRT1_2 = Math.SQRT1_2;

export const relu = (x: Tensor): Tensor => where(greater(x, 0), x, 0);
/** The exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)). */
export const gelu = (x: Tensor): Tensor => mul(mul(x, 0.5), add(erf(mul(x, SQRT1_2)), 1));
export const sigmoid = (x: Tensor): Tensor => mul(add(tanh(mul(x, 0.5)), 1), 0.5);
export const square = (x: Tensor): Tensor => mul(x, x);

/** log Σ exp along the last axis, shifted by the (non-differentiated) row max for stability. */
export function logSumExp(x: Tensor): Tensor {
  const m = stopGradient(max(x, -1, true)); // the shift cancels exactly, so its derivative is not needed
  return add(log(sum(exp(sub(x, m)), -1, true)), m);
}

export const logSoftmax = (x: Tensor): Tensor => sub(x, logSumExp(x));

/**
 * Mean cross-entropy of `logits` (N, V) against int32 class `labels` (N,).
 * The target log-probability is picked with a one-hot mask (labels compared
 * with the class index), which keeps everything differentiable in the logits.
 */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(`crossEntropy: expected logits (N, V) and labels (N,), got ${fmt(logits.shape)} and ${fmt(labels.shape)}`);
  }
  if (labels.dtype !== 'int32') throw new Error(`crossEntropy: labels must be int32, got ${labels.dtype}`);
  const oneHot = oneHotOf(labels, logits.shape[1], logits.dtype);
  return div(sum(mul(oneHot, logSoftmax(logits))), -logits.shape[0]);
}

/** (N,) int32 → (N, V) one-hot in `dtype`, by gathering rows of an identity matrix. */
export function oneHotOf(labels: Tensor, v: number, dtype: Tensor['dtype']): Tensor {
  const eye = identity(v, dtype);
  return gather(eye, labels);
}

const eyeCache = new WeakMap<object, Map<string, Tensor>>();
function identity(v: number, dtype: Tensor['dtype']): Tensor {
  const backend = getBackend();
  if (!eyeCache.has(backend)) eyeCache.set(backend, new Map());
  const cache = eyeCache.get(backend)!;
  // Uploaded once per size and dtype and kept, so a training loop does not upload it every step.
  const key = `${v}:${dtype}`;
  let eye = cache.get(key);
  if (!eye || eye.isDisposed) {
    const data = new Float64Array(v * v);
    for (let i = 0; i < v; i++) data[i * v + i] = 1;
    eye = keepTensor(createFrom(data, [v, v], dtype));
    cache.set(key, eye);
  }
  return eye;
}

/** y = x·Wᵀ + b with W (out, in) as in PyTorch; x (…, in). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const y = matmul(x, weight, { transB: true }); // (…, out)
  return bias ? add(y, bias) : y;
}

/** PyTorch's LayerNorm over the last axis: the `layernorm` primitive, then scale γ and shift β. */
export function layerNormAffine(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  return add(mul(layernorm(x, eps), gamma), beta);
}

/**
 * Multi-head scaled dot-product attention.
 * q, k, v: (B, nh, T, hs); an optional additive mask (T, T) (−∞ above the diagonal for causal).
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, mask?: Tensor): Tensor {
  const hs = q.shape[q.rank - 1];
  let att = mul(matmul(q, k, { transB: true }), 1 / Math.sqrt(hs)); // (B, nh, T, T)
  if (mask) att = add(att, mask);
  return matmul(softmax(att), v); // (B, nh, T, hs)
}

/** (B, T, C) → (B, nh, T, hs) and back. */
export const splitHeads = (x: Tensor, nh: number): Tensor =>
  transpose(reshape(x, [x.shape[0], x.shape[1], nh, x.shape[2] / nh]), [0, 2, 1, 3]);
export const mergeHeads = (x: Tensor): Tensor =>
  reshape(transpose(x, [0, 2, 1, 3]), [x.shape[0], x.shape[2], x.shape[1] * x.shape[3]]);

/**
 * 2-D convolution as im2col + matmul. x (B, C, H, W), weight (Cout, C, kh, kw), bias (Cout,).
 * Returns (B, Cout, Ho, Wo).
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | undefined, stride = 1, padding = 0): Tensor {
  const [cout, c, kh, kw] = weight.shape;
  if (x.rank !== 4 || x.shape[1] !== c) {
    throw new Error(`conv2d: input ${fmt(x.shape)} does not match filters ${fmt(weight.shape)} (channels ${x.shape[1]} vs ${c})`);
  }
  const [b, , h, w] = x.shape;
  const ho = Math.floor((h + 2 * padding - kh) / stride) + 1;
  const wo = Math.floor((w + 2 * padding - kw) / stride) + 1;
  const cols = im2col(x, { kh, kw, stride, pad: padding }); // (B, Ho·Wo, C·kh·kw)
  let y = matmul(cols, reshape(weight, [cout, c * kh * kw]), { transB: true }); // (B, Ho·Wo, Cout)
  if (bias) y = add(y, bias);
  return reshape(transpose(y, [0, 2, 1]), [b, cout, ho, wo]);
}

/** Mean over all but the channel axis of (B, C, H, W) → (B, C) (global average pooling). */
export const globalAvgPool = (x: Tensor): Tensor => mean(x, [2, 3]);

