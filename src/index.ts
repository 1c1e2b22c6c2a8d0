/**
 * heterograd's public API. Importing it makes the CPU backend the default: the
 * same one the experiment uses (plain loops plus the packed, two-thread gemm).
 * `setBackend` switches to another (see src/kernels); the reference
 * triple-loop backend stays available as `new CpuBackend()`.
 */
import { createCpuBackend } from './kernels/cpu/index.js';
import { setDefaultBackendFactory } from './tensor/create.js';

setDefaultBackendFactory(createCpuBackend);

export * from './tensor/index.js';
export * from './autodiff/index.js';
