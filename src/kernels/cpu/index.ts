/**
 * The CPU backend as heterograd uses it: the reference loops plus the tiled,
 * two-thread gemm, float32 on the Wasm SIMD kernel, and float32
 * add/sub/mul/div/greater/equal, where and exp/tanh/erf on Wasm SIMD for large
 * outputs (JS where Wasm SIMD is missing, and for float64).
 */
import { CpuBackend } from './backend.js';
import { allocFloat } from './gemm.js';
import { wasmBinary } from './wasm/binary.js';
import { wasmReduce } from './wasm/reduce.js';
import { wasmLayernorm, wasmSoftmax } from './wasm/rows.js';
import { wasmGemm, wasmGemmKind } from './wasm/gemm.js';
import { wasmUnary } from './wasm/unary.js';
import { wasmWhere } from './wasm/where.js';
import { arrayFor, type DType } from '../../tensor/dtype.js';

export { CpuBackend, type CpuBackendOptions } from './backend.js';
export { matmulReference } from './matmul.js';
export { shutdownGemmPool } from './gemm.js';
export { wasmGemmKind } from './wasm/gemm.js';

/** Float storage comes from gemm's allocator (plain arrays: gemm packs every operand on the calling thread, see allocFloat). */
const alloc = (dtype: DType, n: number) => (dtype === 'int32' ? arrayFor(dtype, n) : allocFloat(dtype, n));

export function createCpuBackend(): CpuBackend {
  const simd = wasmGemmKind();
  const gemmName = simd === 'none' ? 'tiled JS gemm (no Wasm SIMD)'
    : `tiled gemm, float32 on Wasm ${simd === 'relaxed-simd' ? 'relaxed SIMD' : 'SIMD'}; float32 add/sub/mul/div/greater/equal, where, exp/tanh/erf, sums, softmax and layernorm on Wasm SIMD`;
  return new CpuBackend({
    gemm: wasmGemm, alloc, gemmName, binary: wasmBinary, where: wasmWhere, unary: wasmUnary, reduce: wasmReduce,
    rows: { softmax: wasmSoftmax, layernorm: wasmLayernorm },
  });
}
