/**
 * Choosing a backend prints heterograd's own lines only: Dawn's native
 * warnings about Vulkan drivers it rejects (C++ source paths such as
 * PhysicalDeviceVk.cpp) must not reach the terminal.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../../src/kernels/webgpu/device.js';

const run = promisify(execFile);
const choose = (kind: string, env: NodeJS.ProcessEnv = process.env) =>
  run('npx', ['tsx', 'test/experiment/choose-backend.ts', kind], { timeout: 120_000, env });
const NATIVE = /PhysicalDeviceVk|\.cpp:|^Warning:|Loader Message/m;

describe('quiet start', () => {
  it.each(['auto', 'webgpu'])('--backend %s: no native warning text on stderr', async (kind) => {
    const { stdout, stderr } = await choose(kind);
    expect(stderr).not.toMatch(NATIVE);
    expect(stdout).toMatch(/^(chosen|failed): /m);
    if (kind === 'auto') expect(stdout).toMatch(/^chosen: /m); // auto always ends with a backend, the CPU one at worst
  }, 120_000);

  // As on a machine with a GPU: the loader's own search finds a working driver (SwiftShader, placed in
  // XDG_DATA_HOME) next to any that Dawn complains about; only the working one is loaded here.
  it.skipIf(!existsSync(SWIFTSHADER_ICD))('with a working driver among noisy ones, loads only the working one, quietly (needs SwiftShader)', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'hg-xdg-data-'));
    const icd = JSON.parse(readFileSync(SWIFTSHADER_ICD, 'utf8'));
    icd.ICD.library_path = path.resolve(path.dirname(SWIFTSHADER_ICD), icd.ICD.library_path);
    mkdirSync(path.join(home, 'vulkan/icd.d'), { recursive: true });
    writeFileSync(path.join(home, 'vulkan/icd.d/swiftshader-copy.json'), JSON.stringify(icd));
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: home };
    delete env.VK_ICD_FILENAMES;
    delete env.VK_DRIVER_FILES;
    const { stdout, stderr } = await choose('webgpu', env);
    expect(stderr).not.toMatch(NATIVE);
    expect(stdout).toMatch(/^chosen: WebGPU: .*swiftshader/im);
    expect(stdout).toContain('via Dawn (webgpu package)'); // found by the loader's search, not the SwiftShader fallback
  }, 120_000);
});
