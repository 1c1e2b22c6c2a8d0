/**
 * A training step's forward and backward pass for a model that may carry
 * buffers (BatchNorm running statistics): one reverse pass gives the loss,
 * its gradient and the updated buffers, the buffers riding out of the
 * differentiated function as an auxiliary output (JAX's `has_aux`).
 */
import { valueAndGrad } from '../autodiff/index.js';
import { type Params, type Tensor, keep } from '../tensor/index.js';
import type { Batch, Model } from './model.js';

export interface StepResult {
  value: Tensor;
  grads: Params;
  /** The buffers after this batch (new tensors the caller owns; `{}` for a model without buffers). */
  buffers: Params;
}

/**
 * The 'train'-mode loss at `params`, its gradient, and the buffers after this
 * batch's running update. The old `buffers` are left alone (the caller frees them).
 */
export function lossGradAndBuffers(model: Model, params: Params, buffers: Params, batch: Batch): StepResult {
  const step = model.lossAndBuffers?.bind(model);
  if (!step) {
    if (Object.keys(buffers).length > 0) throw new Error(`lossGradAndBuffers: model '${model.name}' has buffers but no lossAndBuffers`);
    return { ...valueAndGrad((p: Params) => model.loss(p, batch, 'train'))(params), buffers: {} };
  }
  let next: Params = {};
  const { value, grads } = valueAndGrad((p: Params) => {
    const r = step(p, buffers, batch);
    // The new buffers are plain tensors (no derivatives); keep() takes them out of valueAndGrad's scope, which would free them.
    next = keep(r.buffers);
    return r.loss;
  })(params);
  return { value, grads, buffers: next };
}
