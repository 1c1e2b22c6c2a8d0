/**
 * Unary elementwise kernel: out[i] = f(x[i]) on contiguous float32 data.
 * One invocation per element; the grid folds into 2-D past 65535 workgroups.
 */
import type { UnaryName } from '../../../tensor/primitives.js';
import { ERF } from './erf.js';
import { GROUP_INDEX, paramsDecl } from './common.js';

const body: Record<UnaryName, string> = {
  neg: '-v',
  exp: 'exp(v)',
  log: 'log(v)',
  sqrt: 'sqrt(v)',
  // Past |v| = 15, tanh is ±1 in float32; some tanh implementations overflow e^{2v} there.
  tanh: 'select(tanh(v), sign(v), abs(v) > 15.0)',
  erf: 'erf32(v)',
};

/** Parameter words: [n]. */
export function unaryWgsl(name: UnaryName): string {
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
${paramsDecl(2)}
override WG: u32 = 256;
${GROUP_INDEX}
${name === 'erf' ? ERF : ''}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = groupIndex(wid, nwg) * WG + lid;
  if (i >= p(0u)) { return; }
  let v = x[i];
  out[i] = ${body[name]};
}`;
}
