/**
 * The kernel page's checks and benchmark run here, off the page's thread;
 * cancelling is `worker.terminate()`. Checks first (a kernel that disagrees
 * with the CPU backend is not worth timing), then the benchmark.
 */
import { CpuBackend } from '../../kernels/cpu/backend.js';
import type { WebGpuBackend } from '../../kernels/webgpu/backend.js';
import { setBackend } from '../../tensor/index.js';
import { webBackend } from '../backend.js';
import { KERNELS, benchCase, checkKernel } from '../kernels.js';
import type { KernelMessage, KernelRequest } from '../protocol.js';

const post = (m: KernelMessage) => postMessage(m);

async function run(r: KernelRequest): Promise<void> {
  const t0 = performance.now();
  const b = await webBackend('webgpu');
  const gpu = b.backend as WebGpuBackend;
  setBackend(gpu);
  post({ type: 'backend', device: b.device, kind: b.kind });
  const cpu = new CpuBackend();
  for (const k of KERNELS) for (const result of await checkKernel(k, gpu, cpu)) post({ type: 'check', result });
  // Test mode: tiny shapes and short samples, so SwiftShader finishes in seconds.
  const opts = r.test ? { samples: 3, sampleMs: 10 } : { samples: 5, sampleMs: 200 };
  for (const k of KERNELS) for (const c of k.bench(r.test)) post({ type: 'bench', row: await benchCase(k, c, gpu, opts) });
  gpu.destroy();
  post({ type: 'done', seconds: (performance.now() - t0) / 1000 });
}

self.onmessage = (e: MessageEvent<KernelRequest>) => {
  run(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
};
