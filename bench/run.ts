/**
 * `npm run bench [-- --json FILE] [--webgpu] [--torch] [--write-readme] [--quick]`
 *
 * CPU matmul GFLOP/s; the Wasm SIMD gemm against the JS gemm and
 * @tensorflow/tfjs-backend-wasm, interleaved in this run; forward, gradient and HVP time of the reference MLP and
 * Transformer with the ratios HVP/gradient and gradient/forward; the same
 * matmul and MLP gradient in @tensorflow/tfjs-backend-cpu in the same run;
 * blockwise HVPs in one sweep against one HVP per block; with --torch the
 * same two models' gradient and HVP in PyTorch (bench/torch_ref.py, in a child
 * Python) and the ratios heterograd/PyTorch; and with --webgpu
 * the WGSL kernel table (run in its own process, as Dawn requires).
 * Medians of ≥ 5 runs; ratios are taken within this run.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import { Command } from 'commander';
import * as hg from '../src/index.js';
import { createCpuBackend, shutdownGemmPool } from '../src/kernels/cpu/index.js';
import { poolThreads } from '../src/kernels/cpu/gemm-pool.js';
import { markdownTable } from '../src/report/markdown.js';
import { benchBlocks } from './blocks.js';
import { benchElementwise, elementwiseTable } from './elementwise.js';
import { benchGemm } from './gemm.js';
import { benchWasmGemm, wasmGemmTable } from './gemm-wasm.js';
import { benchModels } from './models.js';
import { benchTfjs } from './tfjs.js';
import { torchSection } from './torch-section.js';

const opts = new Command()
  .option('--json <file>', 'also write the results as JSON')
  .option('--webgpu', 'also run the WebGPU kernel bench (needs an adapter; SwiftShader is slow)', false)
  .option('--torch', 'also time the reference models in PyTorch (python: $HETEROGRAD_PYTHON or /usr/bin/python3)', false)
  .option('--write-readme', 'regenerate the measured tables in README.md', false)
  .option('--quick', 'fewer runs (for a smoke test)', false)
  .parse(process.argv)
  .opts<{ json?: string; webgpu: boolean; torch: boolean; writeReadme: boolean; quick: boolean }>();

const runs = opts.quick ? 3 : 7;
hg.setBackend(createCpuBackend());
const device = `${os.cpus()[0]?.model ?? 'CPU'} × ${os.cpus().length}, Node ${process.version}`;
console.log(`heterograd bench on ${device}\n`);

const gemmRows = await benchGemm();
const md: string[] = [];
md.push('CPU matmul (float32):', '', markdownTable(['shape', 'threads', 'GFLOP/s', 'ms'],
  gemmRows.map((r) => [r.shape, r.threads, r.gflops.toFixed(2), r.ms.toFixed(3)])), '');

const wasmGemm = await benchWasmGemm(runs);
const wasmTable = wasmGemmTable(wasmGemm);
md.push(`Wasm SIMD gemm (kernel: ${wasmGemm.kernel}) against the JS gemm and @tensorflow/tfjs-backend-wasm, interleaved in this run, GFLOP/s:`,
  '', markdownTable(wasmTable.header, wasmTable.rows), '');
if (wasmGemm.tfjsError) md.push(`tfjs-backend-wasm did not start: ${wasmGemm.tfjsError}`, '');

const elementwise = benchElementwise(runs);
if (elementwise.wasm) {
  const t = elementwiseTable(elementwise.shapes);
  md.push(`Float32 elementwise ops at the ViT-small shapes: the JS loops against the Wasm SIMD path (used from ${elementwise.threshold} output elements, ${elementwise.unaryThreshold} for exp/tanh/erf), ` +
    'CPU time per element (process.cpuUsage), interleaved in this run:', '', markdownTable(t.header, t.rows), '');
  const ts = elementwiseTable(elementwise.sums);
  md.push(`Float32 sums (Wasm SIMD from ${elementwise.sumThreshold} input elements), softmax and layernorm at the ViT-small shapes, CPU time per input element:`,
    '', markdownTable(ts.header, ts.rows), '');
} else md.push('No WebAssembly SIMD in this runtime: elementwise ops run the JS loops only.', '');

const modelRows = benchModels(runs);
md.push('Forward, gradient and Hessian-vector product (CPU backend, float32):', '',
  markdownTable(['model', 'params', 'forward ms', 'gradient ms', 'HVP ms', 'HVP / gradient', 'gradient / forward'],
    modelRows.map((r) => [r.model, r.params.toLocaleString('en-US'), r.forwardMs.toFixed(1), r.gradMs.toFixed(1),
      r.hvpMs.toFixed(1), r.hvpOverGrad.toFixed(2), r.gradOverForward.toFixed(2)])), '');

// Right after heterograd's models, so both sides see the same machine load; the pool's idle workers block, not spin.
const torch = opts.torch ? await torchSection(modelRows, poolThreads(), runs) : null;
if (torch) md.push(...torch.md);

const tf = await benchTfjs(runs);
const maxThreads = Math.max(...gemmRows.map((r) => r.threads));
const ours512 = gemmRows.find((r) => r.shape.startsWith('512×512×512') && r.threads === maxThreads)!;
const mlp = modelRows[0];
md.push('Against @tensorflow/tfjs-backend-cpu, same run:', '',
  markdownTable(['measure', 'heterograd', 'tfjs-backend-cpu', 'ratio'], [
    ['matmul 512³ GFLOP/s', ours512.gflops.toFixed(2), tf.matmul512Gflops.toFixed(2), `${(ours512.gflops / tf.matmul512Gflops).toFixed(1)}× faster`],
    ['MLP gradient ms', mlp.gradMs.toFixed(1), tf.mlpGradMs.toFixed(1), `${(tf.mlpGradMs / mlp.gradMs).toFixed(1)}× faster`],
  ]), '');

const blocks = await benchBlocks(runs);
md.push('Blockwise HVPs (one H_bb·v_b per block), as the block spectra use them:', '',
  markdownTable(['model', 'blocks', 'one k-tangent sweep ms', 'same, tangents stacked ms', 'per block ms', 'one HVP per block, total ms', 'sweep speed-up',
    'one full HVP per block (v zero elsewhere), total ms', 'sweep speed-up against it'],
    [[blocks.model, blocks.blocks, blocks.sweepMs.toFixed(1), blocks.stackedMs.toFixed(1), blocks.perBlockMs.toFixed(1),
      blocks.separateMs.toFixed(1), `${blocks.speedup.toFixed(2)}×`, blocks.fullMs.toFixed(1), `${blocks.fullSpeedup.toFixed(2)}×`]]), '');

let webgpu: unknown = null;
if (opts.webgpu) {
  const run = promisify(execFile);
  try {
    const { stdout } = await run('npx', ['tsx', 'bench/kernels-webgpu.ts', '--json'], { maxBuffer: 1 << 26, timeout: 1_800_000 });
    webgpu = JSON.parse(stdout.slice(stdout.indexOf('{')));
    md.push('WebGPU kernels: see src/kernels/README.md (regenerated with --write-readme).', '');
  } catch (e) {
    md.push(`WebGPU kernel bench failed: ${(e as Error).message.split('\n')[0]}`, '');
  }
}
shutdownGemmPool();

const text = md.join('\n');
console.log(text);
// Not in `text`, so a README regenerated on a machine without torch does not carry the line.
if (torch?.skipped) console.log(torch.skipped);
if (opts.json) {
  await writeFile(opts.json, JSON.stringify({ device, date: new Date().toISOString(), gemm: gemmRows, wasmGemm, models: modelRows, tfjs: tf, blocks, elementwise, torch: torch?.json ?? null, webgpu }, null, 2));
  console.log(`wrote ${opts.json}`);
}
if (opts.writeReadme) {
  const readme = await readFile('README.md', 'utf8');
  const start = '<!-- bench:start -->', end = '<!-- bench:end -->';
  const block = `${start}\nMeasured by \`npm run bench\` on ${device}, ${new Date().toISOString().slice(0, 10)}:\n\n${text}\n${end}`;
  const next = readme.includes(start) ? readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block) : `${readme.trimEnd()}\n\n${block}\n`;
  await writeFile('README.md', next);
  console.log('updated README.md');
}
