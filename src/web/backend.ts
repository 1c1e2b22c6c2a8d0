/**
 * The backend a page gets: WebGPU through the browser's own `navigator.gpu`
 * (in a window or a worker), or the plain CPU backend with the reason said
 * aloud. No Dawn, no driver probing, no worker_threads: those are Node's
 * business (src/kernels/webgpu/device.ts, src/kernels/cpu/index.ts).
 */
import { CpuBackend } from '../kernels/cpu/backend.js';
import { WebGpuBackend } from '../kernels/webgpu/backend.js';
import type { Backend } from '../tensor/index.js';

export type WebBackendKind = 'auto' | 'webgpu' | 'cpu';

export interface WebBackend {
  backend: Backend;
  kind: 'webgpu' | 'cpu';
  /** The device in words, as the page shows it. */
  device: string;
  /** Why the CPU backend was taken, when 'auto' fell back. */
  fallback?: string;
}

/** Give up on requestAdapter / requestDevice after this long: a broken driver is an error, not a hang. */
const TIMEOUT_MS = 20_000;

function timeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    }),
  ]);
}

/** A GPUDevice from `navigator.gpu`, or an error saying why there is none. */
export async function browserDevice(): Promise<{ device: GPUDevice; description: string }> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) throw new Error('this browser has no navigator.gpu (WebGPU is off, unsupported, or the page is not a secure context)');
  const adapter = await timeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), 'requestAdapter');
  if (!adapter) throw new Error('navigator.gpu offers no adapter (no usable GPU or driver)');
  const want = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize'] as const;
  const requiredLimits = Object.fromEntries(want.map((k) => [k, adapter.limits[k]]));
  const device = await timeout(adapter.requestDevice({ label: 'heterograd-web', requiredLimits }), 'requestDevice');
  const i = adapter.info;
  const description = [i.vendor, i.architecture, i.device, i.description && `(${i.description})`].filter(Boolean).join(' ') || 'unnamed adapter';
  return { device, description };
}

const cpuName = () => `CPU (plain JavaScript loops, one thread)`;

/** 'webgpu': WebGPU or an error; 'cpu': the CPU backend; 'auto': WebGPU where possible, else CPU with `fallback` saying why. */
export async function webBackend(kind: WebBackendKind): Promise<WebBackend> {
  if (kind === 'cpu') return { backend: new CpuBackend(), kind: 'cpu', device: cpuName() };
  try {
    const { device, description } = await browserDevice();
    return { backend: new WebGpuBackend(device, `WebGPU: ${description}`), kind: 'webgpu', device: `WebGPU: ${description}` };
  } catch (e) {
    if (kind === 'webgpu') throw e;
    return { backend: new CpuBackend(), kind: 'cpu', device: cpuName(), fallback: (e as Error).message };
  }
}
