/**
 * Pieces every WGSL kernel shares: the element type of a dtype, the
 * parameter block, and the linear workgroup index of a 2-D dispatch.
 *
 * Shapes and strides reach a kernel through one small block of 64 u32 words
 * rather than as compile-time constants, so one pipeline serves every shape
 * (compiling per shape would dwarf the work on small tensors). Floats in the
 * block (eps) travel as their bit pattern. The block is a read-only storage
 * array, not a uniform: uniform arrays need 16-byte elements, so word i would
 * be `v[i / 4][i % 4]`, and that dynamic component index made every kernel
 * several times slower on SwiftShader.
 */

/** The dtypes WebGPU kernels handle (float64 is CPU-only). */
export type GpuDType = 'float32' | 'int32';

/** WGSL scalar type of a dtype. */
export const scalarOf = (d: GpuDType): string => (d === 'float32' ? 'f32' : 'i32');

/** u32 words in one parameter block (256 bytes: also the buffer-offset alignment of bindings). */
export const PARAM_WORDS = 64;
export const PARAM_BYTES = PARAM_WORDS * 4;

/** The parameter block at `binding`, with `p(i)` reading word i. */
export function paramsDecl(binding: number): string {
  return /* wgsl */ `
@group(0) @binding(${binding}) var<storage, read> params: array<u32, ${PARAM_WORDS}>;
fn p(i: u32) -> u32 { return params[i]; }`;
}

/**
 * A dispatch has at most 65535 workgroups per dimension, so long 1-D grids are
 * folded into 2-D; this recovers the linear workgroup index.
 */
export const GROUP_INDEX = /* wgsl */ `
fn groupIndex(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x; }`;

/**
 * `lowest()`: negative infinity (or i32's minimum), the identity of max, and
 * `nan()`. WGSL has no inf/NaN literals and rejects them in constant
 * expressions, so they are built from bits held in a `let` (a runtime value).
 */
export const lowestFn = (d: GpuDType): string => d === 'float32'
  ? 'fn lowest() -> f32 { let bits = 0xff800000u; return bitcast<f32>(bits); }\nfn nan() -> f32 { let bits = 0x7fc00000u; return bitcast<f32>(bits); }'
  : 'fn lowest() -> i32 { let bits = 0x80000000u; return bitcast<i32>(bits); }';

/** NaN test that survives fast-math assumptions: compare the bits, not the value. */
const IS_NAN = /* wgsl */ `
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }`;

/**
 * `fn name(i: u32) -> vecK<u32>`: the offsets of row-major element i of a
 * shape in each of k strided operands: Σ_d coord_d(i)·stride_d. The rank is
 * a compile-time constant, so the axis loop is unrolled on the host: index
 * math with runtime trip counts and runtime-indexed parameters is what made
 * these kernels slow on SwiftShader. Shape at word `at`, operand j's strides
 * at `at + rank·(j + 1)`.
 */
export function unravel(name: string, k: number, rank: number, at: number): string {
  const vec = k === 1 ? 'u32' : `vec${k}<u32>`;
  const lines: string[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    const strides = Array.from({ length: k }, (_, j) => `p(${at + rank * (j + 1) + d}u)`).join(', ');
    lines.push(`  off += (rem % p(${at + d}u)) * ${vec}(${strides});`);
    if (d > 0) lines.push(`  rem = rem / p(${at + d}u);`);
  }
  return /* wgsl */ `
fn ${name}(i: u32) -> ${vec} {
  var rem = i;
  var off = ${vec}(0u);
${lines.join('\n')}
  return off;
}`;
}

/**
 * `offsets(o)` for the broadcast elementwise kernels: parameter words [n, rank,
 * shape[rank], strides of input 0[rank], …]. Rank 0 means every operand is
 * contiguous like the output, so each offset is o itself: no index math.
 */
export const stridedOffsets = (k: number, rank: number): string => rank > 0
  ? unravel('offsets', k, rank, 2)
  : `\nfn offsets(i: u32) -> vec${k}<u32> { return vec${k}<u32>(i); }`;

/**
 * Reduction helpers shared by the two reduce kernels. Parameter words:
 * [nOut, L, chunkLen, chunks, keptRank, redRank, keptShape, keptStrides, redShape, redStrides];
 * the two ranks are compile-time (`unravel`).
 * `baseOf(o)` is where output o's inputs start; `offsetOf(r)` is how far the
 * r-th reduced element lies from there. `merge` and `identity()` define the reduction.
 */
export function reduceHelpers(kind: 'sum' | 'max', dtype: GpuDType, keptRank: number, redRank: number): string {
  const t = scalarOf(dtype);
  const merge = kind === 'sum'
    ? 'return a + b;'
    // NaN propagates as on the CPU, tested on the bits so fast-math cannot drop it.
    : dtype === 'float32'
      ? 'return select(max(a, b), nan(), isNan(a) || isNan(b));'
      : 'return max(a, b);';
  return /* wgsl */ `
${dtype === 'float32' ? IS_NAN : ''}
${lowestFn(dtype)}
fn identity() -> ${t} { return ${kind === 'sum' ? `${t}(0)` : 'lowest()'}; }
fn merge(a: ${t}, b: ${t}) -> ${t} { ${merge} }
${unravel('baseOf', 1, keptRank, 6)}
${unravel('offsetOf', 1, redRank, 6 + 2 * keptRank)}`;
}
