/**
 * Binary elementwise kernel with NumPy broadcasting: out[o] = a[ia] ∘ b[ib].
 * Broadcasting is strides: a stretched axis has stride 0 (see `offsets`).
 * The host merges axes that are contiguous in every operand first, so the
 * common same-shape case walks a single axis.
 */
import type { BinaryName } from '../../../tensor/primitives.js';
import { type GpuDType, GROUP_INDEX, paramsDecl, scalarOf, stridedOffsets } from './common.js';

const body = (name: BinaryName, t: string): string => {
  switch (name) {
    case 'add': return 'va + vb';
    case 'sub': return 'va - vb';
    case 'mul': return 'va * vb';
    // WGSL's i32 x / 0 is x; the defined result (primitives.ts) is 0, as on the CPU.
    case 'div': return t === 'i32' ? 'select(va / vb, 0i, vb == 0i)' : 'va / vb';
    case 'greater': return `select(${t}(0), ${t}(1), va > vb)`;
    case 'equal': return `select(${t}(0), ${t}(1), va == vb)`;
  }
};

/**
 * Parameter words: [n, rank, shape[rank], strideA[rank], strideB[rank]].
 * `rank` is compiled in; rank 0 means both operands are contiguous like the
 * output (the common case), and the kernel does no index math at all.
 */
export function binaryWgsl(name: BinaryName, dtype: GpuDType, rank: number): string {
  const t = scalarOf(dtype);
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> a: array<${t}>;
@group(0) @binding(1) var<storage, read> b: array<${t}>;
@group(0) @binding(2) var<storage, read_write> out: array<${t}>;
${paramsDecl(3)}
override WG: u32 = 256;
${GROUP_INDEX}
${stridedOffsets(2, rank)}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = groupIndex(wid, nwg) * WG + lid;
  if (o >= p(0u)) { return; }
  let off = offsets(o);
  let va = a[off.x];
  let vb = b[off.y];
  out[o] = ${body(name, t)};
}`;
}
