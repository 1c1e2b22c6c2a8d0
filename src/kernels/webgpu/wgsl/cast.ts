/**
 * dtype conversion between float32 and int32. f32 → i32 truncates toward zero
 * (WGSL's conversion), like Math.trunc on the CPU; out-of-range values
 * saturate here where the CPU's Int32Array wraps them.
 */
import { type GpuDType, GROUP_INDEX, paramsDecl, scalarOf } from './common.js';

/** Parameter words: [n]. */
export function castWgsl(from: GpuDType, to: GpuDType): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<${scalarOf(from)}>;
@group(0) @binding(1) var<storage, read_write> out: array<${scalarOf(to)}>;
${paramsDecl(2)}
override WG: u32 = 256;
${GROUP_INDEX}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = groupIndex(wid, nwg) * WG + lid;
  if (i >= p(0u)) { return; }
  out[i] = ${scalarOf(to)}(src[i]);
}`;
}
