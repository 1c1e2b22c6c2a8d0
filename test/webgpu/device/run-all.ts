/**
 * Every WebGPU test file as one program, for a machine without vitest:
 * `npx esbuild test/webgpu/device/run-all.ts --bundle --platform=node --format=esm
 *   --external:webgpu --alias:vitest=./test/webgpu/device/vitest-shim.ts --outfile=…`
 * then `node …` (see test/webgpu/device/pack.sh).
 */
import { runAll } from './vitest-shim.js'; // the same module the tests get for 'vitest'
import '../elementwise.test.js';
import '../movement.test.js';
import '../reduce.test.js';
import '../matmul.test.js';
import '../autodiff.test.js';
import '../runtime.test.js';

const failed = await runAll((l) => console.log(l));
process.exit(failed ? 1 : 0);
