/**
 * The model zoo: every model is a seeded `Model` (named parameters, a loss on a
 * batch, and the blocks the Hessian analysis measures by default), plus the
 * pieces they are built from and the paper's block-diagonal quadratics.
 */
export { type Model, type Batch, type Preset, type Params, PRESETS, paramCount, classifier } from './model.js';
export { Init, linearParams } from './init.js';
export { createMlp, mlpPresets, type MlpConfig } from './mlp.js';
export { createHeteroMlp, heteroMlpPresets, layerScales, effectiveParams, type HeteroMlpConfig } from './hetero-mlp.js';
export { createCnn, cnnPresets, type CnnConfig } from './cnn.js';
export { batchNorm, updateRunning, BN_MODES, type BnMode } from './batchnorm.js';
export { createMixer, mixerPresets, type MixerConfig } from './mixer.js';
export { createBert, bertPresets, type BertConfig } from './bert.js';
export { createVgg, vggPresets, maxPool2, type VggConfig } from './vgg.js';
export { createVit, vitPresets, patchify, type VitConfig } from './vit.js';
export { createGpt, gptPresets, type GptConfig } from './gpt.js';
export { block, blockParams, blockSpecs, type BlockConfig } from './transformer.js';
export {
  quadraticCase, caseEigenvalues, randomOrthogonal, quadGrad, quadLoss, quadParams, quadBlocks, quadLossFn, KAPPA,
  type CaseId, type QuadBlock, type Quadratic,
} from './quadratic.js';
