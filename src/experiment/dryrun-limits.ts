/**
 * Device limits a run must fit, and the check of a traced model against them.
 * The defaults are WebGPU's (what a device gets when it asks for nothing more);
 * a GPU adapter usually allows far more, and the WebGPU backend requests the
 * adapter's own maxStorageBufferBindingSize and maxBufferSize
 * (src/kernels/webgpu/device.ts). `--device-limits FILE` takes a JSON object
 * with any of the keys below (a dump of `adapter.limits` works: other keys
 * are ignored) plus `memoryBytes`, the device memory to check the estimate against.
 */
import { readFileSync } from 'node:fs';
import { sizeClass } from '../kernels/webgpu/pool.js';
import { ConfigError } from './config.js';

export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
  /** Device memory in bytes; when absent the memory estimate is reported but not checked. */
  memoryBytes?: number;
}

const MiB = 2 ** 20;

/** WebGPU's default limits (the spec's guaranteed minimums). */
export const WEBGPU_DEFAULT_LIMITS: DeviceLimits = {
  maxStorageBufferBindingSize: 128 * MiB, maxBufferSize: 256 * MiB, maxComputeWorkgroupsPerDimension: 65535,
};

const KEYS = ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupsPerDimension', 'memoryBytes'] as const;

/** Limits from a parsed JSON object: the given keys over the WebGPU defaults; a bad value names the key. */
export function parseLimits(raw: unknown, where = 'device limits'): DeviceLimits {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${where}: expected a JSON object of limits`);
  const r = raw as Record<string, unknown>;
  if (!KEYS.some((k) => k in r)) throw new ConfigError(`${where}: none of ${KEYS.join(', ')} is given`);
  const out: DeviceLimits = { ...WEBGPU_DEFAULT_LIMITS };
  for (const k of KEYS) {
    if (!(k in r)) continue;
    const v = r[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new ConfigError(`${where}: ${k} = ${JSON.stringify(v)} is not a positive integer`);
    out[k] = v;
  }
  return out;
}

/** Limits from a JSON file (`--device-limits FILE`). */
export function readLimits(file: string): DeviceLimits {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new ConfigError(`--device-limits: cannot read ${file} (${(e as Error).message})`); }
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new ConfigError(`--device-limits: ${file} is not JSON (${(e as Error).message})`); }
  return parseLimits(raw, `--device-limits ${file}`);
}

/** One limit a model exceeds: which, what it needs, what is allowed, and where the need comes from. */
export interface Violation { limit: keyof DeviceLimits; needed: number; allowed: number; what: string }

/** What the check compares: the largest tensor (its WebGPU buffer is its size class), the largest matmul batch, the memory estimate. */
export interface LimitNeeds {
  largestTensorBytes: number;
  largestTensorWhat: string;
  largestMatmulBatch: number;
  memoryBytes: number;
}

/** Every limit `needs` exceeds (empty when it fits). */
export function checkLimits(needs: LimitNeeds, limits: DeviceLimits): Violation[] {
  const v: Violation[] = [];
  const buffer = sizeClass(Math.max(needs.largestTensorBytes, 4)); // GpuRuntime.alloc creates and binds the whole size class
  const add = (limit: keyof DeviceLimits, needed: number, what: string) => {
    const allowed = limits[limit];
    if (allowed !== undefined && needed > allowed) v.push({ limit, needed, allowed, what });
  };
  add('maxStorageBufferBindingSize', buffer, needs.largestTensorWhat);
  add('maxBufferSize', buffer, needs.largestTensorWhat);
  add('maxComputeWorkgroupsPerDimension', needs.largestMatmulBatch, 'matmul batch count (dispatch z extent)');
  add('memoryBytes', needs.memoryBytes, 'peak device memory estimate');
  return v;
}
