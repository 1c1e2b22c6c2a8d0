/** A multilayer perceptron on flattened MNIST digits. */
import { type Tensor, linear, relu, tanh } from '../tensor/index.js';
import { Init, linearParams } from './init.js';
import { type Batch, type Model, type Params, type Preset, classifier } from './model.js';

export interface MlpConfig {
  /** Layer widths from input to classes, e.g. [784, 256, 256, 10]. */
  sizes: number[];
  activation: 'relu' | 'tanh';
}

export const mlpPresets: Record<Preset, MlpConfig> = {
  tiny: { sizes: [784, 16, 10], activation: 'relu' },
  small: { sizes: [784, 128, 64, 10], activation: 'relu' },
  paper: { sizes: [784, 1024, 1024, 10], activation: 'relu' },
};

export function createMlp(config: MlpConfig, seed: number, init = new Init(seed)): Model<MlpConfig> {
  const params: Params = {};
  for (let i = 0; i + 1 < config.sizes.length; i++) {
    Object.assign(params, linearParams(init, `layers.${i}`, config.sizes[i], config.sizes[i + 1]));
  }
  const layers = config.sizes.length - 1;
  const act = config.activation === 'relu' ? relu : tanh;
  const logits = (p: Params, b: Batch): Tensor => {
    let h = b.x; // (N, 784)
    for (let i = 0; i < layers; i++) {
      h = linear(h, p[`layers.${i}.weight`], p[`layers.${i}.bias`]);
      if (i + 1 < layers) h = act(h);
    }
    return h; // (N, 10)
  };
  return classifier({
    name: 'mlp',
    config,
    params,
    logits,
    blocks: () => Array.from({ length: layers }, (_, i) => ({ name: `layers.${i}.weight`, param: `layers.${i}.weight` })),
  });
}
