import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file runs in its own child process: Dawn (webgpu) must not share
    // a process with heavy JavaScript from other files, and a native crash then
    // fails one file with a clear report instead of taking the whole run down.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
