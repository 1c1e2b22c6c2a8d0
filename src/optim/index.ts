/** Optimizers on parameter records (functional state), schedules, and clipping. */
export {
  type Params,
  type Optimizer,
  type StepResult,
  type DecayMask,
  allParams,
  matricesOnly,
  disposeTree,
  update,
} from './types.js';
export { sgd, type SgdOptions, type SgdState } from './sgd.js';
export { adam, adamw, type AdamOptions, type AdamState } from './adam.js';
export { constant, stepDecay, warmupCosine, type Schedule } from './schedule.js';
export { clipByGlobalNorm } from './clip.js';
export {
  hostGd, hostAdam, hostRun, tuneLr,
  type HostProblem, type HostMethod, type HostStep, type HostAdamOptions, type HostCurves, type HostTrial,
} from './host.js';
export { sgdBlockwise, blockScalesFromLambdaMax, type SgdBlockwiseOptions } from './sgd-blockwise.js';
export { adamMini, zooPartition, type AdamMiniOptions, type AdamMiniState, type AdamMiniPartition } from './adam-mini.js';
