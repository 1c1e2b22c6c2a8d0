/**
 * A VGG-style CNN without BatchNorm: stages of 3×3 conv + ReLU, each closed
 * by 2×2 max pooling, then a two-layer classifier. Names follow torchvision's
 * VGG (`features.3.weight`, `classifier.0.weight`).
 */
import { type Tensor, conv2d, linear, max, relu, reshape, slice as sliceTensor } from '../tensor/index.js';
import { Init, linearParams } from './init.js';
import { type Batch, type BlockSpec, type Model, type Params, type Preset, classifier } from './model.js';

export interface VggConfig {
  /** Channels of each conv layer per stage, e.g. [[8, 8], [16, 16]]. */
  stages: number[][];
  hidden: number;
  classes: number;
}

export const vggPresets: Record<Preset, VggConfig> = {
  tiny: { stages: [[4], [8]], hidden: 16, classes: 10 },
  small: { stages: [[8, 8], [16, 16]], hidden: 64, classes: 10 },
  // VGG16's convolutional stages (28×28 inputs allow four poolings: 28→14→7→3→1).
  paper: { stages: [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512]], hidden: 512, classes: 10 },
};

/** 2×2 max pooling, stride 2 (floor on odd sizes). x (B, C, H, W). */
export function maxPool2(x: Tensor): Tensor {
  const [b, c, h, w] = x.shape;
  const [h2, w2] = [Math.floor(h / 2), Math.floor(w / 2)];
  const even = h % 2 || w % 2 ? sliceEven(x, h2 * 2, w2 * 2) : x;
  return max(reshape(even, [b, c, h2, 2, w2, 2]), [3, 5]);
}
function sliceEven(x: Tensor, h: number, w: number): Tensor {
  return sliceTensor(x, [0, 0, 0, 0], [x.shape[0], x.shape[1], h, w]);
}

export function createVgg(config: VggConfig, seed: number, init = new Init(seed)): Model<VggConfig> {
  const params: Params = {};
  const convs: BlockSpec[] = [];
  const layout: { name: string; pool: boolean }[] = [];
  let cin = 1, idx = 0, side = 28;
  for (const stage of config.stages) {
    stage.forEach((c, j) => {
      const name = `features.${idx}`;
      params[`${name}.weight`] = init.fanIn([c, cin, 3, 3], cin * 9);
      params[`${name}.bias`] = init.fanIn([c], cin * 9);
      convs.push({ name, param: `${name}.weight` });
      layout.push({ name, pool: j === stage.length - 1 });
      cin = c;
      idx += 2; // torchvision counts the ReLU as a layer
    });
    idx++; // and the pooling
    side = Math.floor(side / 2);
  }
  const flat = cin * side * side;
  Object.assign(params, linearParams(init, 'classifier.0', flat, config.hidden), linearParams(init, 'classifier.3', config.hidden, config.classes));

  const logits = (p: Params, b: Batch): Tensor => {
    const n = b.x.shape[0];
    let x = reshape(b.x, [n, 1, 28, 28]);
    for (const l of layout) {
      x = relu(conv2d(x, p[`${l.name}.weight`], p[`${l.name}.bias`], 1, 1));
      if (l.pool) x = maxPool2(x);
    }
    const h = relu(linear(reshape(x, [n, flat]), p['classifier.0.weight'], p['classifier.0.bias']));
    return linear(h, p['classifier.3.weight'], p['classifier.3.bias']); // (N, classes)
  };
  return classifier({
    name: 'vgg',
    config,
    params,
    logits,
    blocks: () => [...convs, { name: 'classifier.0', param: 'classifier.0.weight' }, { name: 'classifier.3', param: 'classifier.3.weight' }],
  });
}
