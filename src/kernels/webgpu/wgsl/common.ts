/**
 * Pieces every WGSL kernel shares: the element type of a dtype, the uniform
 * parameter block, and the linear workgroup index of a 2-D dispatch.
 *
 * Shapes and strides reach a kernel through one small uniform block of 64
 * u32 words rather than as compile-time constants, so one pipeline serves
 * every shape (compiling per shape would dwarf the work on small tensors).
 * Floats in the block (eps) travel as their bit pattern.
 */

/** The dtypes WebGPU kernels handle (float64 is CPU-only). */
export type GpuDType = 'float32' | 'int32';

/** WGSL scalar type of a dtype. */
export const scalarOf = (d: GpuDType): string => (d === 'float32' ? 'f32' : 'i32');

/** u32 words in one parameter block (256 bytes: also the uniform offset alignment). */
export const PARAM_WORDS = 64;
export const PARAM_BYTES = PARAM_WORDS * 4;

/** The uniform parameter block at `binding`, with `p(i)` reading word i. */
export function paramsDecl(binding: number): string {
  return /* wgsl */ `
struct Params { v: array<vec4<u32>, ${PARAM_WORDS / 4}> }
@group(0) @binding(${binding}) var<uniform> params: Params;
fn p(i: u32) -> u32 { return params.v[i / 4u][i % 4u]; }`;
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
export const IS_NAN = /* wgsl */ `
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }`;

/**
 * `offsets(o)`: where output element `o` reads each of `k` broadcast inputs.
 * Parameter words: [n, rank, shape[rank], strides of input 0[rank], …]; a
 * stretched axis has stride 0, so its element is read again.
 */
export function stridedOffsets(k: number): string {
  const vec = k === 1 ? 'u32' : `vec${k}<u32>`;
  const strides = Array.from({ length: k }, (_, i) => `p(2u + ${i + 1}u * rank + ax)`).join(', ');
  return /* wgsl */ `
fn offsets(o: u32) -> ${vec} {
  let rank = p(1u);
  var rem = o;
  var off = ${vec}(0u);
  for (var d = rank; d > 0u; d--) {
    let ax = d - 1u;
    let size = p(2u + ax);
    off += (rem % size) * ${vec}(${strides});
    rem = rem / size;
  }
  return off;
}`;
}

/**
 * Reduction helpers shared by the two reduce kernels. Parameter words:
 * [nOut, L, chunkLen, chunks, keptRank, redRank, keptShape, keptStrides, redShape, redStrides].
 * `baseOf(o)` is where output o's inputs start; `offsetOf(r)` is how far the
 * r-th reduced element lies from there. `merge` and `identity()` define the reduction.
 */
export function reduceHelpers(kind: 'sum' | 'max', dtype: GpuDType): string {
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
fn decompose(i: u32, rank: u32, shapeAt: u32) -> u32 {
  var rem = i;
  var off = 0u;
  for (var d = rank; d > 0u; d--) {
    let size = p(shapeAt + d - 1u);
    off += (rem % size) * p(shapeAt + rank + d - 1u);
    rem = rem / size;
  }
  return off;
}
fn baseOf(o: u32) -> u32 { return decompose(o, p(4u), 6u); }
fn offsetOf(r: u32) -> u32 { return decompose(r, p(5u), 6u + 2u * p(4u)); }`;
}
