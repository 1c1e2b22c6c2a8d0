/**
 * The fallback check every Wasm kernel module shares: with Wasm SIMD reported
 * missing (WebAssembly.validate answers false) and the module reset, it is
 * unavailable, `body` (which runs the JS path and compares) makes no kernel
 * call, and stderr gets exactly one line naming what falls back.
 */
import { expect, vi } from 'vitest';

export interface WasmModuleHooks {
  reset(): void;
  available(): boolean;
  calls(): number;
}

export function expectJsFallback(m: WasmModuleHooks, fallback: string, body: () => void): void {
  vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  m.reset();
  expect(m.available()).toBe(false);
  const before = m.calls();
  body();
  expect(m.calls()).toBe(before);
  const lines = err.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('WebAssembly SIMD'));
  expect(lines).toEqual([`heterograd: this runtime has no WebAssembly SIMD; ${fallback}\n`]);
}
