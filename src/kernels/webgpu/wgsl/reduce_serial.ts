/**
 * Sum or max along axes, one invocation per output: each walks its L inputs
 * in order. Right when there are many outputs (every row of a matrix) or L
 * is short; a long reduction with few outputs goes to reduce_tree instead.
 */
import { type GpuDType, GROUP_INDEX, paramsDecl, reduceHelpers, scalarOf } from './common.js';

/** Parameter words: see `reduceHelpers` (chunkLen = L, chunks = 1). */
export function reduceSerialWgsl(kind: 'sum' | 'max', dtype: GpuDType, keptRank: number, redRank: number): string {
  const t = scalarOf(dtype);
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
${paramsDecl(2)}
override WG: u32 = 64;
${GROUP_INDEX}
${reduceHelpers(kind, dtype, keptRank, redRank)}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = groupIndex(wid, nwg) * WG + lid;
  if (o >= p(0u)) { return; }
  let base = baseOf(o);
  var acc = identity();
  let len = p(1u);
  for (var r = 0u; r < len; r++) { acc = merge(acc, x[base + offsetOf(r)]); }
  out[o] = acc;
}`;
}
