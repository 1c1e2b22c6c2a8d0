/** Backend choice for the experiment: `cpu`, `webgpu`, or `auto` (which prefers the CPU backend to SwiftShader). */
import { createCpuBackend } from '../kernels/cpu/index.js';
import { setBackend } from '../tensor/index.js';

export async function chooseBackend(kind: 'auto' | 'webgpu' | 'cpu', log: (line: string) => void): Promise<{ name: string; device: string }> {
  if (kind === 'cpu') {
    const b = createCpuBackend();
    setBackend(b);
    log(`backend: ${b.device}`);
    return { name: b.name, device: b.device };
  }
  // Imported lazily, so a run on the CPU never loads Dawn.
  const { selectBackend } = await import('../kernels/webgpu/device.js');
  const b = await selectBackend(kind, { log, software: 'avoid' });
  setBackend(b);
  return { name: b.name, device: b.device };
}
