/** The matmul progression, in order; see each file's header for what changed and why. */
import type { MatmulKernel } from './common.js';
import { naive } from './01_naive.js';
import { tiled } from './02_tiled.js';
import { register } from './03_register.js';
import { vec4 } from './04_vec4.js';
import { wgtile } from './05_wgtile.js';

export type { MatmulKernel } from './common.js';
export { MAX_BATCH_RANK } from './common.js';
export const MATMUL_KERNELS: readonly MatmulKernel[] = [naive, tiled, register, vec4, wgtile];
