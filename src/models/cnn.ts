/**
 * A ResNet-style CNN on MNIST: a 3×3 stem, stages of basic blocks
 * (conv-BN-ReLU-conv-BN plus a skip, a 1×1 strided conv where the shape
 * changes), global average pooling and a linear head. Names follow
 * torchvision's ResNet (`layer1.0.conv1.weight`, `layer2.0.downsample.0.weight`).
 *
 * BatchNorm normalizes with the batch's statistics while training. In
 * `eval` mode — used when the Hessian is measured — the statistics are the
 * same batch's but frozen (treated as constants), so the Hessian is that of a
 * fixed per-channel affine map, as with the paper's code in eval mode.
 */
import {
  type Tensor, add, div, globalAvgPool, linear, mean, mul, relu, reshape, sqrt, square, stopGradient, sub, conv2d,
} from '../tensor/index.js';
import { Init, linearParams } from './init.js';
import { type Batch, type BlockSpec, type Model, type Params, type Preset, classifier } from './model.js';

export interface CnnConfig {
  /** Stride of the 3×3 stem: 2 halves the 28×28 digit at once (ResNet's own stem downsamples by 4). */
  stemStride: 1 | 2;
  /** Channels per stage; each stage after the first halves the resolution. */
  channels: number[];
  /** Basic blocks per stage. */
  blocksPerStage: number;
  classes: number;
}

export const cnnPresets: Record<Preset, CnnConfig> = {
  tiny: { stemStride: 2, channels: [4, 8], blocksPerStage: 1, classes: 10 },
  // A stride-2 stem: the CPU preset then works at 14×14 and 7×7, four times less im2col and matmul.
  small: { stemStride: 2, channels: [8, 16], blocksPerStage: 1, classes: 10 },
  // ResNet18's stages (CIFAR-style stem at full resolution).
  paper: { stemStride: 1, channels: [64, 128, 256, 512], blocksPerStage: 2, classes: 10 },
};

/** BatchNorm over (B, H, W) per channel of x (B, C, H, W). */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, mode: 'train' | 'eval', eps = 1e-5): Tensor {
  let mu = mean(x, [0, 2, 3], true);
  let v = mean(square(sub(x, mu)), [0, 2, 3], true);
  if (mode === 'eval') { mu = stopGradient(mu); v = stopGradient(v); }
  const c = x.shape[1];
  const y = div(sub(x, mu), sqrt(add(v, eps)));
  return add(mul(y, reshape(gamma, [1, c, 1, 1])), reshape(beta, [1, c, 1, 1]));
}

const convW = (init: Init, cout: number, cin: number, k: number) => init.fanIn([cout, cin, k, k], cin * k * k);
const bnParams = (init: Init, name: string, c: number): Params => ({
  [`${name}.weight`]: init.const([c], 1), [`${name}.bias`]: init.const([c], 0),
});

export function createCnn(config: CnnConfig, seed: number, init = new Init(seed)): Model<CnnConfig> {
  const params: Params = { 'conv1.weight': convW(init, config.channels[0], 1, 3), ...bnParams(init, 'bn1', config.channels[0]) };
  const convs: BlockSpec[] = [{ name: 'conv1', param: 'conv1.weight' }];
  let cin = config.channels[0];
  config.channels.forEach((c, s) => {
    for (let b = 0; b < config.blocksPerStage; b++) {
      const pre = `layer${s + 1}.${b}`;
      const inC = b === 0 ? cin : c;
      Object.assign(params, { [`${pre}.conv1.weight`]: convW(init, c, inC, 3), ...bnParams(init, `${pre}.bn1`, c) });
      Object.assign(params, { [`${pre}.conv2.weight`]: convW(init, c, c, 3), ...bnParams(init, `${pre}.bn2`, c) });
      convs.push({ name: `${pre}.conv1`, param: `${pre}.conv1.weight` }, { name: `${pre}.conv2`, param: `${pre}.conv2.weight` });
      if (b === 0 && (s > 0 || inC !== c)) {
        Object.assign(params, { [`${pre}.downsample.0.weight`]: convW(init, c, inC, 1), ...bnParams(init, `${pre}.downsample.1`, c) });
      }
    }
    cin = c;
  });
  Object.assign(params, linearParams(init, 'fc', cin, config.classes));

  const logits = (p: Params, b: Batch, mode: 'train' | 'eval' = 'train'): Tensor => {
    const n = b.x.shape[0];
    const bn = (x: Tensor, name: string) => batchNorm(x, p[`${name}.weight`], p[`${name}.bias`], mode);
    let x = relu(bn(conv2d(reshape(b.x, [n, 1, 28, 28]), p['conv1.weight'], undefined, config.stemStride, 1), 'bn1')); // (N, c0, 28/s, 28/s)
    config.channels.forEach((_, s) => {
      for (let k = 0; k < config.blocksPerStage; k++) {
        const pre = `layer${s + 1}.${k}`;
        const stride = k === 0 && s > 0 ? 2 : 1;
        const h = relu(bn(conv2d(x, p[`${pre}.conv1.weight`], undefined, stride, 1), `${pre}.bn1`));
        const y = bn(conv2d(h, p[`${pre}.conv2.weight`], undefined, 1, 1), `${pre}.bn2`);
        const down = p[`${pre}.downsample.0.weight`];
        const skip = down ? bn(conv2d(x, down, undefined, stride, 0), `${pre}.downsample.1`) : x;
        x = relu(add(y, skip));
      }
    });
    return linear(globalAvgPool(x), p['fc.weight'], p['fc.bias']); // (N, classes)
  };
  return classifier({
    name: 'cnn',
    config,
    params,
    logits,
    blocks: () => [...convs, { name: 'fc', param: 'fc.weight' }],
  });
}
