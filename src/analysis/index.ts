/** Public API of the Hessian spectrum toolkit: everything takes a matvec and a dimension. */
export {
  lanczos,
  checkSymmetric,
  applyChecked,
  type MatVec,
  type Reorth,
  type LanczosOptions,
  type LanczosResult,
} from './lanczos.js';
export { tridiagEig, symEig, type TridiagEig, type SymEig } from './tridiag.js';
export { Float64Store, Float32Store, hostStore, type VectorStore, type StoreFactory, type Precision } from './store.js';
export { type SelectiveOptions } from './selective.js';
export { peakVectorBound, chooseReorth, bytesPerEntry, DEFAULT_MEMORY_BUDGET } from './memory.js';
export {
  slq,
  slqBlocks,
  probeSeed,
  probeVector,
  type SlqOptions,
  type SlqResult,
  type SlqProbe,
  type ProbeKind,
  type BlockOperator,
} from './slq.js';
export { slqMeasure, slqMeasures, eigenvalueMeasure, axisScale, type SpectralMeasure, type Normalize } from './measure.js';
export { density, blockDensities, type Density, type DensityOptions } from './density.js';
export {
  jsDistance,
  w1Distance,
  ksDistance,
  w1ToCdf,
  ksToCdf,
  pairwiseMatrix,
  heterogeneityScore,
  type Metric,
  type PairwiseMatrix,
} from './distances.js';
export { hutchinson, hutchPlusPlus, type TraceOptions, type TraceEstimate } from './trace.js';
export { topEigs, type TopEigsOptions, type TopEigs } from './topk.js';
export { denseFromMatVec, denseEig, matVecFromDense, symmetrizeChecked, type DenseOptions, type DenseMatrix } from './dense.js';
export {
  DEFAULT_CONVENTIONS,
  convention,
  defaultConventions,
  conventionName,
  probeMeasures,
  slqProbeMeasures,
  transformBlocks,
  scoreUnder,
  allConventions,
  HEADLINE_CONVENTION,
  type AxisConvention,
  type ConventionKind,
  type BlockSamples,
  type TransformedBlocks,
  type ConventionScores,
  type ScoreMetric,
  type ScoreOptions,
  type SensitivityRow,
} from './conventions.js';
export {
  bootstrapScores,
  seedInterval,
  pairedGapInterval,
  bootstrapSpearman,
  type Interval,
  type BootstrapOptions,
  type ProbeBootstrap,
  type SpearmanInterval,
} from './bootstrap.js';
export { truncatedProbe, truncatedResult, slqAccuracy, probeSpread, type SlqAccuracy, type ProbeSpread } from './accuracy.js';
export { mean as sampleMean, sampleSd, percentile, tCdf, tQuantile, ranks, spearman } from './stats.js';
