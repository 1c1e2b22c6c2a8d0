/** The `--torch` section of the bench output: PyTorch's run, its settings, and the ratios against heterograd's rows. */
import { markdownTable } from '../src/report/markdown.js';
import type { ModelBenchRow } from './models.js';
import { type TorchComparisonRow, type TorchReference, compareWithTorch, defaultPython, runTorchReference } from './torch.js';

export interface TorchSection {
  /** Lines for the bench text (and so the README); empty when PyTorch did not run. */
  md: string[];
  /** One line saying why PyTorch did not run, else undefined. */
  skipped?: string;
  json: { ref: TorchReference; rows: TorchComparisonRow[] } | { skipped: string };
}

/** Runs torch_ref.py with `threads` torch threads (heterograd's pool size) and `runs` timed repetitions. */
export async function torchSection(ours: ModelBenchRow[], threads: number, runs: number): Promise<TorchSection> {
  const python = defaultPython();
  const out = await runTorchReference({ python, threads, runs });
  if (!out.ok) {
    const skipped = `--torch: PyTorch reference not run (${out.reason}); set HETEROGRAD_PYTHON to a python with torch.`;
    return { md: [], skipped, json: { skipped } };
  }
  const ref = out.ref;
  const rows = compareWithTorch(ours, ref);
  const notes = ref.models.flatMap((m) => Object.entries(m.hvp)
    .flatMap(([method, t]) => ('error' in t ? [`${m.model} ${method === 'forwardOverReverse' ? 'forward-over-reverse' : 'double backward'} did not run: ${t.error.replace(/\.$/, '')}`] : [])));
  return {
    md: [
      `Against PyTorch ${ref.torch} (CPU, float32, ${ref.threads} threads by torch.set_num_threads = heterograd's gemm pool, ` +
      `OMP_WAIT_POLICY ${ref.ompWaitPolicy || 'unset'}), same run; ` +
      `BLAS ${ref.blas.loaded.map((p) => p.split('/').pop()).join(', ') || 'not found in the process maps'} (${ref.blas.config.replace(/^[-\s]*Build settings:\s*/, '')}); ` +
      `medians of ${ref.runs} after ${ref.warmup} warm-up runs. PyTorch's HVP is its fastest method that runs (double backward or functorch forward-over-reverse):`,
      '',
      markdownTable(['model', 'gradient ms', 'PyTorch gradient ms', 'gradient ×', 'HVP ms', 'PyTorch HVP ms', 'PyTorch HVP method', 'HVP ×', 'issue 11 target'],
        rows.map((r) => [r.model, r.gradMs.toFixed(1), r.torchGradMs.toFixed(1), r.gradRatio.toFixed(2), r.hvpMs.toFixed(1), r.torchHvpMs.toFixed(1),
          r.torchHvpMethod, r.hvpRatio.toFixed(2), `≤ ${r.target}×: ${r.met ? 'met' : 'missed'}`])),
      '',
      ...(notes.length ? [`In torch ${ref.torch}: ${notes.join('; ')}.`, ''] : []),
    ],
    json: { ref, rows },
  };
}
