/**
 * Choosing a backend prints heterograd's own lines only: Dawn's native
 * warnings about Vulkan drivers it rejects (C++ source paths such as
 * PhysicalDeviceVk.cpp) must not reach the terminal.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('quiet start', () => {
  it.each(['auto', 'webgpu'])('--backend %s: no native warning text on stderr', async (kind) => {
    const { stdout, stderr } = await run('npx', ['tsx', 'test/experiment/choose-backend.ts', kind], { timeout: 120_000 });
    expect(stderr).not.toMatch(/PhysicalDeviceVk|\.cpp:|^Warning:/m);
    expect(stdout).toMatch(/^(chosen|failed): /m);
    if (kind === 'auto') expect(stdout).toMatch(/^chosen: /m); // auto always ends with a backend, the CPU one at worst
  }, 120_000);
});
