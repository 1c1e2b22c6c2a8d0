/**
 * Sum or max of long segments, one workgroup per segment: each invocation
 * folds a strided share of the segment, then the workgroup combines its
 * WG partial results in log₂(WG) halving steps through workgroup memory.
 *
 * A segment is chunk c of output o (index o·chunks + c). With more than one
 * chunk, the host reduces the (nOut, chunks) partials in a second pass, so
 * a 10⁷-element sum still spreads over many workgroups.
 */
import { type GpuDType, GROUP_INDEX, paramsDecl, reduceHelpers, scalarOf } from './common.js';

/** Parameter words: see `reduceHelpers`. WG must be a power of two. */
export function reduceTreeWgsl(kind: 'sum' | 'max', dtype: GpuDType, keptRank: number, redRank: number): string {
  const t = scalarOf(dtype);
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
${paramsDecl(2)}
override WG: u32 = 256;
var<workgroup> partial: array<${t}, WG>;
${GROUP_INDEX}
${reduceHelpers(kind, dtype, keptRank, redRank)}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let seg = groupIndex(wid, nwg);
  // seg is the same for the whole workgroup, so this return keeps the barriers below uniform.
  if (seg >= p(0u) * p(3u)) { return; }
  let o = seg / p(3u);
  let start = (seg % p(3u)) * p(2u);
  let stop = min(start + p(2u), p(1u));
  let base = baseOf(o);
  var acc = identity();
  for (var r = start + lid; r < stop; r += WG) { acc = merge(acc, x[base + offsetOf(r)]); }
  partial[lid] = acc;
  // Every invocation's partial must be in workgroup memory before any is read.
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { partial[lid] = merge(partial[lid], partial[lid + half]); }
    // The next, halved step reads what this step wrote in the upper half.
    workgroupBarrier();
  }
  if (lid == 0u) { out[seg] = partial[0]; }
}`;
}
