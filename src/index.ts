/**
 * heterograd's public API (`import * as hg from 'heterograd'`). Importing it
 * makes the CPU backend the default: the same one the experiment uses (plain
 * loops plus the packed, two-thread gemm). `setBackend` switches to another
 * (see src/kernels); the reference triple-loop backend stays available as
 * `new CpuBackend()`.
 *
 * Flat: what analysing your own loss needs — tensors, autodiff, the spectrum
 * toolkit (src/analysis), the autodiff–analysis bridge (src/hessian) and the
 * RNG. Namespaced, because their names would collide with the flat ones or
 * with each other (`update`, `constant`, `Batch`, `Params`): `hg.models`,
 * `hg.optim`, `hg.io`, `hg.data`.
 */
import { createCpuBackend } from './kernels/cpu/index.js';
import { setDefaultBackendFactory } from './tensor/create.js';

setDefaultBackendFactory(createCpuBackend);

export * from './tensor/index.js';
export * from './autodiff/index.js';
export * from './analysis/index.js';
export * from './hessian/index.js';
export { type Rng, makeRng, deriveSeed, subSeed, gaussianVector, rademacherVector, permutation } from './util/rng.js';
export { CpuBackend, createCpuBackend, shutdownGemmPool } from './kernels/cpu/index.js';
export * as models from './models/index.js';
export * as optim from './optim/index.js';
export * as io from './io/index.js';
export * as data from './data/index.js';
