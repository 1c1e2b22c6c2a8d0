/**
 * `npx tsx test/experiment/choose-backend.ts auto|webgpu|cpu`: the experiment's
 * backend choice alone, its log lines on stdout, for the quiet-start test.
 */
import { chooseBackend } from '../../src/experiment/backend.js';

const kind = process.argv[2] as 'auto' | 'webgpu' | 'cpu';
try {
  const b = await chooseBackend(kind, (line) => console.log(line));
  console.log(`chosen: ${b.device}`);
} catch (e) {
  console.log(`failed: ${(e as Error).message}`);
}
process.exit(0);
