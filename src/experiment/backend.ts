/** Backend choice for the experiment: `cpu`, `webgpu`, or `auto`. */
import { setBackend } from '../tensor/index.js';
import { createCpuBackend } from '../kernels/cpu/index.js';

export async function chooseBackend(kind: 'auto' | 'webgpu' | 'cpu', log: (line: string) => void): Promise<{ name: string; device: string }> {
  if (kind !== 'cpu') {
    const { selectBackend } = await import('../kernels/select.js');
    const b = await selectBackend(kind, log);
    setBackend(b);
    return { name: b.name, device: b.device };
  }
  const b = createCpuBackend();
  setBackend(b);
  log(`backend: ${b.device}`);
  return { name: b.name, device: b.device };
}
