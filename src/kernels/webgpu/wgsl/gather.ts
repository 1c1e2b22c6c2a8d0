/**
 * Row gather (embedding lookup): out (I, F) = table (V, F)[index (I)].
 * One invocation per output element, copying raw u32 bits so float32 and
 * int32 tables share the pipeline. An index outside [0, V) cannot throw on a
 * GPU: it reads as zero and raises the runtime's error flag with this
 * dispatch's tag, so the next read throws as the CPU backend does at once.
 */
import { GROUP_INDEX, paramsDecl } from './common.js';

/** Parameter words: [I·F, F, V, tag] (the tag appended by the runtime, see `Dispatch.raises`). */
export function gatherWgsl(): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> table: array<u32>;
@group(0) @binding(1) var<storage, read> index: array<i32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
${paramsDecl(3)}
@group(0) @binding(4) var<storage, read_write> flag: atomic<u32>;
override WG: u32 = 256;
${GROUP_INDEX}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = groupIndex(wid, nwg) * WG + lid;
  if (o >= p(0u)) { return; }
  let f = p(1u);
  let r = index[o / f];
  var v = 0u;
  if (r >= 0 && u32(r) < p(2u)) { v = table[u32(r) * f + o % f]; } else { atomicMax(&flag, p(3u)); }
  out[o] = v;
}`;
}
