/**
 * where(cond, a, b): out[o] = cond ≠ 0 ? a : b, all three broadcast by strides.
 * `cond` may have another dtype than a and b (a float mask or an int32 one).
 */
import { type GpuDType, GROUP_INDEX, paramsDecl, scalarOf, stridedOffsets } from './common.js';

/** Parameter words: [n, rank, shape[rank], strideCond[rank], strideA[rank], strideB[rank]]; rank compiled in, 0 = all contiguous. */
export function whereWgsl(condType: GpuDType, dtype: GpuDType, rank: number): string {
  const t = scalarOf(dtype);
  const c = scalarOf(condType);
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> cond: array<${c}>;
@group(0) @binding(1) var<storage, read> a: array<${t}>;
@group(0) @binding(2) var<storage, read> b: array<${t}>;
@group(0) @binding(3) var<storage, read_write> out: array<${t}>;
${paramsDecl(4)}
override WG: u32 = 256;
${GROUP_INDEX}
${stridedOffsets(3, rank)}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = groupIndex(wid, nwg) * WG + lid;
  if (o >= p(0u)) { return; }
  let off = offsets(o);
  // Tested on the bits: ±0 is false and NaN is true, as on the CPU (NaN !== 0), whatever fast-math does to NaN compares.
  let bits = bitcast<u32>(cond[off.x]) & ${condType === 'float32' ? '0x7fffffffu' : '0xffffffffu'};
  out[o] = select(b[off.z], a[off.y], bits != 0u);
}`;
}
