/** The dry run's report as text (a table per concern), and the `--timings FILE` reader. */
import { readFileSync } from 'node:fs';
import { ConfigError } from './config.js';
import type { DryRunReport } from './dryrun.js';
import type { StepTimes } from './dryrun-time.js';
import { NEURAL_MODELS, type NeuralModel } from './types.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
export const fmtBytes = (b: number): string => (b >= GiB ? `${(b / GiB).toFixed(2)} GiB` : `${(b / MiB).toFixed(1)} MiB`);
export function fmtSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 2 * 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

/** The report as the CLI prints it. */
export function formatReport(r: DryRunReport): string {
  const out: string[] = [];
  const lim = r.limits;
  out.push(`Dry run of the '${r.preset}' preset. Limits checked: maxStorageBufferBindingSize ${fmtBytes(lim.maxStorageBufferBindingSize)}, `
    + `maxBufferSize ${fmtBytes(lim.maxBufferSize)}, maxComputeWorkgroupsPerDimension ${lim.maxComputeWorkgroupsPerDimension}`
    + (lim.memoryBytes ? `, memory ${fmtBytes(lim.memoryBytes)}` : ' (no device memory given: memory not checked)'));
  out.push('Shapes and memory: traced at the preset batch on the shape-only backend (measured from the real code path, no compute).\n');
  out.push(table(
    ['model', 'params', 'blocks', 'batch s/t', 'largest tensor', 'made by', 'matmul batch', 'violations'],
    r.models.map((m) => {
      const phases = [m.trace.blockSweep, m.trace.fullSweep, m.trace.trainStep];
      const big = phases.reduce((a, p) => (p.largest.bytes > a.largest.bytes ? p : a)).largest;
      return [m.model, m.trace.params.toLocaleString('en-US'), String(m.trace.blocks.length), `${m.trace.spectraBatch}/${m.trace.trainBatch}`,
        fmtBytes(big.bytes), `${big.op} ${big.shape.join('×')}`, String(Math.max(...phases.map((p) => p.largestMatmulBatch))),
        m.violations.length ? m.violations.map((v) => v.limit).join(', ') : 'none'];
    }),
  ));
  out.push('\nPeak device memory per phase (all live tensors, parameters included), and Lanczos vectors:\n');
  out.push(table(
    ['model', 'params', 'block sweep (k)', '1-block sweep', 'full sweep', 'train step', 'SLQ auto f32 blocks/full', 'SLQ today f64 blocks/full', 'peak device'],
    r.models.map((m) => {
      const x = m.memory;
      return [m.model, fmtBytes(x.paramBytes), `${fmtBytes(x.blockSweep)} (${m.trace.blocks.length})`, fmtBytes(x.oneBlockSweep), fmtBytes(x.fullSweep),
        fmtBytes(x.trainStep), `${fmtBytes(x.slq.auto.blocksBytes)} / ${fmtBytes(x.slq.auto.fullBytes)} (${x.slq.auto.fullMode})`,
        `${fmtBytes(x.slq.currentHost.blocksBytes)} / ${fmtBytes(x.slq.currentHost.fullBytes)}`, fmtBytes(x.peakDevice)];
    }),
  ));
  for (const m of r.models) {
    for (const v of m.violations) out.push(`  ${m.model}: ${v.limit} ${v.limit === 'maxComputeWorkgroupsPerDimension' ? v.needed : fmtBytes(v.needed)} needed > ${v.limit === 'maxComputeWorkgroupsPerDimension' ? v.allowed : fmtBytes(v.allowed)} allowed (${v.what})`);
  }
  const timed = r.models.filter((m) => m.times && m.projection);
  if (timed.length > 0) {
    out.push('\nProjected time of one seed. Times marked cpu were measured on THIS machine\'s CPU and project a CPU run, not a GPU one.');
    out.push(`Formula: ${r.formula}\n`);
    out.push(table(
      ['model', 'source', 'batch', 't_block', 't_full', 't_step', 'sweeps b/f', 'runs×steps', 'spectra', 'training', 'total', 'with grid ext.'],
      timed.map((m) => {
        const t = m.times!;
        const p = m.projection!;
        return [m.model, t.source, String(t.spectraBatch), `${t.blockSweep.toFixed(3)} s`, `${t.fullSweep.toFixed(3)} s`, `${t.trainStep.toFixed(3)} s`,
          `${m.counts.blockSweeps}/${m.counts.fullSweeps}`, `${m.counts.trainRuns}×${m.counts.trainSteps}`,
          fmtSeconds(p.blockSpectra + p.fullSpectrum), fmtSeconds(p.training), fmtSeconds(p.total), fmtSeconds(p.totalMax)];
      }),
    ));
  }
  return out.join('\n');
}

/**
 * Reads `--timings FILE`: `{ "vit": { "blockSweep": s, "fullSweep": s, "trainStep": s, "spectraBatch"?: B, "trainBatch"?: B }, … }`,
 * seconds per block sweep, full sweep and training step measured elsewhere (a GPU); batches default to the preset's.
 */
export function readTimings(file: string, batches: (m: NeuralModel) => { spectra: number; train: number }): Partial<Record<NeuralModel, StepTimes>> {
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new ConfigError(`--timings: cannot read ${file} as JSON (${(e as Error).message})`); }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`--timings ${file}: expected an object keyed by model`);
  const out: Partial<Record<NeuralModel, StepTimes>> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!(NEURAL_MODELS as readonly string[]).includes(k)) throw new ConfigError(`--timings ${file}: unknown model '${k}'; valid: ${NEURAL_MODELS.join(', ')}`);
    const e = v as Record<string, unknown>;
    const pos = (key: string, dflt?: number): number => {
      const x = e?.[key] ?? dflt;
      if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) throw new ConfigError(`--timings ${file}: ${k}.${key} = ${JSON.stringify(x)} is not a positive number`);
      return x;
    };
    const b = batches(k as NeuralModel);
    out[k as NeuralModel] = {
      blockSweep: pos('blockSweep'), fullSweep: pos('fullSweep'), trainStep: pos('trainStep'),
      spectraBatch: pos('spectraBatch', b.spectra), trainBatch: pos('trainBatch', b.train), source: `file ${file}`,
    };
  }
  return out;
}
