/**
 * Backend selection for programs (the experiment, the bench): `cpu`,
 * `webgpu`, or `auto`.
 *
 * `auto` uses a WebGPU adapter that is a real GPU. Where the only adapter is
 * SwiftShader (a CPU emulation of Vulkan, which runs WGSL several times
 * slower than heterograd's own CPU backend), `auto` says so and chooses the
 * CPU backend; `--backend webgpu` still forces it.
 */
import type { Backend } from '../tensor/backend.js';
import { createCpuBackend } from './cpu/index.js';

export async function selectBackend(kind: 'auto' | 'webgpu' | 'cpu', log: (line: string) => void): Promise<Backend> {
  if (kind === 'cpu') return createCpuBackend();
  const { acquireDevice } = await import('./webgpu/device.js');
  let gpu: Awaited<ReturnType<typeof acquireDevice>>;
  try {
    gpu = await acquireDevice({ log });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (kind === 'webgpu') throw new Error(`--backend webgpu: ${why}`);
    const cpu = createCpuBackend();
    log(`backend: no WebGPU adapter (${why}); using ${cpu.device}`);
    return cpu;
  }
  if (kind === 'auto' && /swiftshader/i.test(gpu.description)) {
    const cpu = createCpuBackend();
    log(`backend: the only WebGPU adapter is SwiftShader (software); using ${cpu.device}, which is faster here (--backend webgpu forces WebGPU)`);
    gpu.device.destroy();
    return cpu;
  }
  const { WebGpuBackend } = await import('./webgpu/backend.js');
  return new WebGpuBackend(gpu.device, `WebGPU: ${gpu.description}`);
}
