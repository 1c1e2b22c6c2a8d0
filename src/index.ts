/**
 * heterograd's public API. Importing it makes the CPU backend the default;
 * `setBackend` switches to another (see src/kernels).
 */
import { CpuBackend } from './kernels/cpu/backend.js';
import { setDefaultBackendFactory } from './tensor/create.js';

setDefaultBackendFactory(() => new CpuBackend());

export * from './tensor/index.js';
export * from './autodiff/index.js';
