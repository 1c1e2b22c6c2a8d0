/**
 * Getting a GPUDevice, and choosing between the WebGPU and CPU backends.
 *
 * Where `navigator.gpu` exists (browsers, Deno) it is used; in Node the
 * `webgpu` package (Dawn) provides it. With no Vulkan driver Dawn finds no
 * adapter; if Chromium's SwiftShader (a CPU implementation of Vulkan) is
 * installed, its ICD is named in VK_ICD_FILENAMES and Dawn is created again —
 * the Vulkan loader reads that variable when Dawn creates its instance, so
 * setting it in-process works as long as it happens before that `create()`.
 * Which drivers to load is decided first in a child process (probe.ts), so
 * that Dawn's native warnings about drivers it rejects stay off the terminal.
 * Every wait has a timeout: a missing or broken driver is an error, not a hang.
 */
import type { Backend } from '../../tensor/backend.js';
import { createCpuBackend } from '../cpu/index.js';
import { WebGpuBackend, type WebGpuBackendOptions } from './backend.js';
import { holdInstance } from './instance.js';
import { chooseDrivers } from './probe.js';

/** Chromium's SwiftShader Vulkan driver on Debian (`apt-get install chromium libvulkan1`). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface DeviceOptions {
  /** Give up on requestAdapter / requestDevice after this long (default 20 s). */
  timeoutMs?: number;
  /**
   * Keep Dawn's bounds checks on every buffer access (default false: the
   * `disable_robustness` toggle; every kernel here guards its own indices,
   * and SwiftShader runs matmul ~30 % faster without the checks).
   */
  robust?: boolean;
  /** Where to look for SwiftShader when no adapter exists (null: don't). */
  swiftshaderIcd?: string | null;
  /** One-line messages: which adapter was chosen, fallbacks. Default console.info. */
  log?: (line: string) => void;
}

export interface AcquiredDevice {
  device: GPUDevice;
  /** vendor / architecture / description of the adapter. */
  description: string;
}


function timeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`webgpu: ${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

type Gpu = Pick<GPU, 'requestAdapter'>;

/** Our Dawn toggles. */
const dawnFlags = (robust: boolean): string[] => (robust ? [] : ['enable-dawn-features=disable_robustness']);

/** Prepares the environment Dawn (and the probe's child process) will see. */
async function headless(): Promise<void> {
  if (!process.env.XDG_RUNTIME_DIR) {
    // The Vulkan loader's window-system probes print "XDG_RUNTIME_DIR is invalid" on
    // headless machines; a private runtime directory keeps that alarming line away.
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    process.env.XDG_RUNTIME_DIR = mkdtempSync(`${tmpdir()}/heterograd-xdg-`);
  }
}

/** The `webgpu` package's GPU object, created with our Dawn toggles. */
async function dawn(robust: boolean): Promise<Gpu> {
  const { create, globals } = await import('webgpu');
  // GPUBufferUsage, GPUMapMode, … as globals, the way a browser has them.
  Object.assign(globalThis, globals);
  return create(dawnFlags(robust));
}

function describe(a: GPUAdapter): string {
  const i = a.info;
  return [i.vendor, i.architecture, i.device, i.description && `(${i.description})`].filter(Boolean).join(' ');
}

/** A GPUDevice with the adapter's largest buffer limits, or a clear error saying why there is none. */
export async function acquireDevice(opts: DeviceOptions = {}): Promise<AcquiredDevice> {
  const ms = opts.timeoutMs ?? 20_000;
  const log = opts.log ?? ((line: string) => console.info(line));
  const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator;
  const browser = nav?.gpu;
  let via = 'navigator.gpu';
  if (!browser) {
    // Drivers named by the user (VK_ICD_FILENAMES, or VK_DRIVER_FILES, which newer loaders prefer) are respected;
    // otherwise the probe picks the quiet set, with SwiftShader as the last resort.
    await headless();
    const robust = opts.robust ?? false;
    const icd = opts.swiftshaderIcd === undefined ? SWIFTSHADER_ICD : opts.swiftshaderIcd;
    const choice = await chooseDrivers({ swiftshaderIcd: icd, flags: dawnFlags(robust), timeoutMs: ms });
    if (choice.note) log(choice.note);
    if (!choice.adapter) throw new Error(`webgpu: no adapter: ${choice.hint}`);
    Object.assign(process.env, choice.env);
    via = choice.via;
  }
  const gpu = browser ?? (await dawn(opts.robust ?? false));
  const adapter = await timeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), ms, 'requestAdapter');
  if (!adapter) throw new Error(`webgpu: no adapter: ${browser ? 'this browser exposes navigator.gpu but offers no adapter' : 'Dawn found one in a probe but not here'}`);
  const want = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize'] as const;
  const requiredLimits = Object.fromEntries(want.map((k) => [k, adapter.limits[k]]));
  const device = await timeout(adapter.requestDevice({ label: 'heterograd', requiredLimits }), ms, 'requestDevice');
  const description = describe(adapter);
  holdInstance(device, gpu);
  log(`webgpu: using ${description} via ${via}`);
  return { device, description };
}

export type BackendKind = 'auto' | 'webgpu' | 'cpu';

export interface SelectOptions extends DeviceOptions, WebGpuBackendOptions {
  /** Builds the CPU backend (default: `createCpuBackend()`, the tiled multi-threaded one). */
  cpu?: () => Backend;
  /**
   * What 'auto' does when the only adapter is SwiftShader, a CPU emulation of
   * Vulkan that runs WGSL several times slower than the CPU backend: 'use' it
   * (default), or 'avoid' it and take the CPU backend, saying so. Programs that
   * care about speed (the experiment, the bench) pass 'avoid'.
   */
  software?: 'use' | 'avoid';
}

/**
 * 'webgpu': the WebGPU backend, or an error saying why not. 'cpu': the CPU
 * backend. 'auto': WebGPU where an adapter exists, else the CPU backend with
 * a one-line warning naming the reason. The second argument may be just the
 * log function.
 */
export async function selectBackend(kind: BackendKind, options: SelectOptions | ((line: string) => void) = {}): Promise<Backend> {
  const opts: SelectOptions = typeof options === 'function' ? { log: options } : options;
  const cpu = opts.cpu ?? createCpuBackend;
  if (kind === 'cpu') return cpu();
  try {
    const { device, description } = await acquireDevice(opts);
    if (kind === 'auto' && opts.software === 'avoid' && /swiftshader/i.test(description)) {
      device.destroy();
      const b = cpu();
      (opts.log ?? console.warn)(`backend: the only WebGPU adapter is SwiftShader (software); using ${b.device}, which is faster here (--backend webgpu forces WebGPU)`);
      return b;
    }
    return new WebGpuBackend(device, `WebGPU: ${description}`, opts);
  } catch (e) {
    if (kind === 'webgpu') throw e;
    const b = cpu();
    (opts.log ?? console.warn)(`backend: falling back to ${b.device}: ${(e as Error).message}`);
    return b;
  }
}
