/**
 * A ResNet-style CNN on MNIST: a 3×3 stem, stages of basic blocks
 * (conv-BN-ReLU-conv-BN plus a skip, a 1×1 strided conv where the shape
 * changes), global average pooling and a linear head. Names follow
 * torchvision's ResNet (`layer1.0.conv1.weight`, `layer2.0.downsample.0.weight`).
 *
 * BatchNorm (src/models/batchnorm.ts) follows PyTorch: batch statistics
 * while training, which also update running statistics (buffers,
 * `bn1.running_mean` / `bn1.running_var`, momentum 0.1, unbiased variance);
 * running statistics in 'eval' mode. The Hessian is measured in 'eval' mode,
 * as with the paper's code (`model.eval()`): at initialization every BatchNorm
 * is then γ·x/√(1+ε) + β, essentially the identity. 'batch' mode keeps the
 * batch's statistics but frozen (see `BnMode`).
 */
import { type Tensor, add, globalAvgPool, linear, relu, reshape, conv2d } from '../tensor/index.js';
import { type BnMode, batchNorm, initialRunning, runningNames, runningOf, updateRunning } from './batchnorm.js';
import { Init, linearParams } from './init.js';
import { type Batch, type BlockSpec, type Model, type Params, type Preset, classifier, classifierLoss } from './model.js';

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

const convW = (init: Init, cout: number, cin: number, k: number) => init.fanIn([cout, cin, k, k], cin * k * k);

export function createCnn(config: CnnConfig, seed: number, init = new Init(seed)): Model<CnnConfig> {
  // Init.const draws no random numbers, so adding the buffers left the seeded parameters as they were.
  const buffers: Params = {};
  const bnParams = (name: string, c: number): Params => {
    Object.assign(buffers, initialRunning(name, (shape, v) => init.const(shape, v), c));
    return { [`${name}.weight`]: init.const([c], 1), [`${name}.bias`]: init.const([c], 0) };
  };
  const params: Params = { 'conv1.weight': convW(init, config.channels[0], 1, 3), ...bnParams('bn1', config.channels[0]) };
  const convs: BlockSpec[] = [{ name: 'conv1', param: 'conv1.weight' }];
  let cin = config.channels[0];
  config.channels.forEach((c, s) => {
    for (let b = 0; b < config.blocksPerStage; b++) {
      const pre = `layer${s + 1}.${b}`;
      const inC = b === 0 ? cin : c;
      Object.assign(params, { [`${pre}.conv1.weight`]: convW(init, c, inC, 3), ...bnParams(`${pre}.bn1`, c) });
      Object.assign(params, { [`${pre}.conv2.weight`]: convW(init, c, c, 3), ...bnParams(`${pre}.bn2`, c) });
      convs.push({ name: `${pre}.conv1`, param: `${pre}.conv1.weight` }, { name: `${pre}.conv2`, param: `${pre}.conv2.weight` });
      if (b === 0 && (s > 0 || inC !== c)) {
        Object.assign(params, { [`${pre}.downsample.0.weight`]: convW(init, c, inC, 1), ...bnParams(`${pre}.downsample.1`, c) });
      }
    }
    cin = c;
  });
  Object.assign(params, linearParams(init, 'fc', cin, config.classes));

  /** Logits (N, classes); with `updated`, each BatchNorm also writes its running update there. */
  const forward = (p: Params, b: Batch, mode: BnMode, bufs: Params, updated?: Params): Tensor => {
    const n = b.x.shape[0];
    const bn = (x: Tensor, name: string) => {
      if (updated) {
        const next = updateRunning(runningOf(bufs, name), x), names = runningNames(name);
        Object.assign(updated, { [names.mean]: next.mean, [names.var]: next.var });
      }
      return batchNorm(x, p[`${name}.weight`], p[`${name}.bias`], mode, mode === 'eval' ? runningOf(bufs, name) : undefined);
    };
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
    buffers,
    logits: (p, b, mode = 'train', bufs = buffers) => forward(p, b, mode, bufs),
    lossAndBuffers: (p, bufs, b) => {
      const updated: Params = {};
      return { loss: classifierLoss(forward(p, b, 'train', bufs, updated), b), buffers: updated };
    },
    blocks: () => [...convs, { name: 'fc', param: 'fc.weight' }],
  });
}
