/**
 * The backend's plumbing: selection and its errors, queued work and when it
 * is submitted, freeing buffers that queued work still reads, the pipeline
 * cache, and clear errors (never hangs) for oversized tensors, shader
 * compile failures and a lost device.
 */
import { describe, expect, it } from 'vitest';
import * as hg from '../../src/index.js';
import { WebGpuBackend } from '../../src/kernels/webgpu/backend.js';
import { acquireDevice, selectBackend } from '../../src/kernels/webgpu/device.js';
import { G, noGpu, pair } from './gpu.js';

describe.skipIf(noGpu)('webgpu runtime', () => {
  it("selectBackend: 'cpu', 'auto' and 'webgpu' with an adapter", async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    const lines: string[] = [];
    const auto = await selectBackend('auto', (l) => lines.push(l));
    expect(auto.name).toBe('webgpu');
    expect(lines.join('\n')).toMatch(/webgpu: using /);
    (auto as WebGpuBackend).destroy();
  });

  it("'auto' with software: 'avoid' takes the CPU backend over SwiftShader, and says so", async () => {
    const lines: string[] = [];
    const b = await selectBackend('auto', { log: (l) => lines.push(l), software: 'avoid' });
    if (/swiftshader/i.test(G().device)) {
      expect(b.name).toBe('cpu');
      expect(lines.join('\n')).toMatch(/only WebGPU adapter is SwiftShader/);
    } else {
      expect(b.name).toBe('webgpu'); // a real GPU is used
      (b as WebGpuBackend).destroy();
    }
  });

  it("without an adapter: 'webgpu' is a clear error, 'auto' falls back to the CPU with a one-line warning", async () => {
    const saved = [process.env.VK_ICD_FILENAMES, process.env.VK_DRIVER_FILES];
    // The Vulkan loader now finds no driver at all (newer loaders read VK_DRIVER_FILES first).
    process.env.VK_ICD_FILENAMES = process.env.VK_DRIVER_FILES = '/nonexistent/icd.json';
    try {
      await expect(selectBackend('webgpu', { log: () => {} })).rejects.toThrow(/webgpu: no adapter/);
      const lines: string[] = [];
      const b = await selectBackend('auto', (l) => lines.push(l));
      expect(b.name).toBe('cpu');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/falling back to CPU.*no adapter/);
    } finally {
      const restore = (k: string, v: string | undefined) => { if (v === undefined) delete process.env[k]; else process.env[k] = v; };
      restore('VK_ICD_FILENAMES', saved[0]);
      restore('VK_DRIVER_FILES', saved[1]);
    }
  });

  it('queues dispatches and submits only on read (or a full batch)', async () => {
    const gpu = G();
    gpu.flush();
    const c0 = { ...gpu.rt.counters };
    const [, x] = pair(new Float32Array([1, 2, 3]), [3]);
    let y = x;
    for (let i = 0; i < 20; i++) y = hg.add(y, x);
    expect(gpu.rt.counters.dispatches - c0.dispatches).toBe(20);
    expect(gpu.rt.counters.submits).toBe(c0.submits);
    expect(Array.from(await y.data())).toEqual([21, 42, 63]);
    expect(gpu.rt.counters.submits - c0.submits).toBe(2); // the batch, then the readback copy
    for (let i = 0; i < gpu.rt.maxBatch + 5; i++) y = hg.neg(y);
    expect(gpu.rt.counters.submits - c0.submits).toBe(3); // a full batch flushes by itself
    expect(Array.from(await y.data())).toEqual([-21, -42, -63]);
  });

  it('freeing a buffer that queued work still reads is safe (uploads never reuse it before the flush)', async () => {
    const gpu = G();
    gpu.flush();
    const [, a] = pair(new Float32Array([1, 2, 3, 4]), [4]);
    const y = hg.mul(a, a); //       queued: reads a
    hg.dispose(a); //                 a's buffer goes back — but not to uploads until the flush
    const [, b] = pair(new Float32Array([9, 9, 9, 9]), [4]);
    const z = hg.add(y, b); //       may reuse a's buffer as its output: dispatches run in order
    expect(Array.from(await y.data())).toEqual([1, 4, 9, 16]);
    expect(Array.from(await z.data())).toEqual([10, 13, 18, 25]);
  });

  it('compiles each pipeline once', async () => {
    const gpu = G();
    const [, x] = pair(new Float32Array(13), [13]);
    await hg.tanh(x).data();
    const n = gpu.rt.counters.pipelines;
    await hg.tanh(hg.tanh(x)).data();
    expect(gpu.rt.counters.pipelines).toBe(n);
  });

  it('an oversized tensor is a clear error', () => {
    const limit = G().rt.device.limits.maxStorageBufferBindingSize;
    expect(() => G().rt.alloc(limit + 1024)).toThrow(/exceeds this device's largest storage binding/);
  });

  it('a shader that fails to compile, and a lost device, are clear errors rather than hangs', async () => {
    const { device, description } = await acquireDevice({ log: () => {} });
    const b = new WebGpuBackend(device, description);
    const out = b.rt.alloc(16);
    b.rt.dispatch({ kernel: 'broken', wgsl: () => 'fn main( {', inputs: [], output: out, params: [], groups: [1, 1, 1] });
    await expect(b.rt.read(out, 16)).rejects.toThrow(/kernel broken failed to compile/);
    const { device: d2, description: desc2 } = await acquireDevice({ log: () => {} });
    const b2 = new WebGpuBackend(d2, desc2);
    const [, x] = [0, hg.fromArray(new Float32Array(4), [4], 'float32', b2)];
    d2.destroy();
    await new Promise((r) => setTimeout(r, 50));
    await expect(x.data()).rejects.toThrow(/device lost/);
    expect(() => hg.exp(x)).toThrow(/device lost/);
    b.destroy();
  });

  it('stats report pooled buffers apart from live ones', async () => {
    const gpu = G();
    const before = gpu.stats();
    const t = hg.tidy(() => hg.sum(hg.exp(pair(new Float32Array(1000), [1000])[1])));
    await t.data();
    const after = gpu.stats();
    expect(after.buffers - before.buffers).toBe(1);
    expect(after.pooledBuffers).toBeGreaterThanOrEqual(before.pooledBuffers);
  });
});
