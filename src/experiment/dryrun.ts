/**
 * The dry run of a preset (`npm run dry-run`): before any GPU time is spent,
 * each model is built and traced at the preset's batch on the shape-only
 * backend (dryrun-trace.ts) to find its largest tensor, its peak device
 * memory and the limits it needs (dryrun-limits.ts), and a few sweeps and
 * steps of the real pipeline are timed at a reduced batch on the CPU to
 * project the full run (dryrun-time.ts).
 *
 * Memory is reported per phase as measured by the trace (every live tensor,
 * parameters included, in WebGPU size classes), plus the Lanczos vectors:
 * for the 'auto' mode in float32 (src/analysis/memory.ts; what a device-side
 * store would hold) and for what spectra.ts runs today ('full', float64 host).
 * Blocks run in lockstep, so their vectors add up; the full spectrum runs after them.
 */
import os from 'node:os';
import { bytesPerEntry, chooseReorth, peakVectorBound } from '../analysis/index.js';
import type { Preset } from '../models/model.js';
import { resolveSettings, type ResolvedSettings } from './config.js';
import { type DeviceLimits, type Violation, checkLimits } from './dryrun-limits.js';
import { type ShapeTrace, traceShapes } from './dryrun-trace.js';
import { type Projection, type RunCounts, type StepTimes, type TimingRun, measureTimes, project, runCounts } from './dryrun-time.js';
import type { NeuralModel } from './types.js';

export interface DryRunOptions {
  preset: Preset;
  models: NeuralModel[];
  limits: DeviceLimits;
  /** The reduced run timed on the CPU; null skips timing (shapes, limits and memory only). */
  timing: TimingRun | null;
  /** Per-model times measured elsewhere (a GPU), at the preset's batches; used instead of the CPU's. */
  times?: Partial<Record<NeuralModel, StepTimes>>;
  /** Batches to trace at instead of the preset's (tests use small ones). */
  traceBatches?: { spectra?: number; train?: number };
  seed?: number;
  log?: (line: string) => void;
}

/** Lanczos vectors of a phase: per mode, the bytes held at once. */
export interface SlqMemory {
  /** 'auto' in float32, per block (the mode it picks and its bytes), summed over blocks, and for the full spectrum. */
  auto: { blocks: { name: string; mode: string; bytes: number }[]; blocksBytes: number; fullMode: string; fullBytes: number };
  /** What spectra.ts runs today: 'full' reorthogonalization, float64 host vectors. */
  currentHost: { blocksBytes: number; fullBytes: number };
}

export interface MemoryEstimate {
  paramBytes: number;
  /** Peak live device bytes measured by the trace in each phase (parameters included). */
  blockSweep: number;
  oneBlockSweep: number;
  fullSweep: number;
  trainStep: number;
  slq: SlqMemory;
  /** The most the run holds at once on the device with 'auto'/float32 Lanczos vectors stored there. */
  peakDevice: number;
}

export interface ModelDryRun {
  model: NeuralModel;
  settings: ResolvedSettings;
  trace: ShapeTrace;
  memory: MemoryEstimate;
  violations: Violation[];
  counts: RunCounts;
  times: StepTimes | null;
  projection: Projection | null;
}

export interface DryRunReport {
  preset: Preset;
  limits: DeviceLimits;
  timing: TimingRun | null;
  models: ModelDryRun[];
  /** The projection's formula, for plugging in times measured elsewhere. */
  formula: string;
}

export const FORMULA = 'T = probes·m_b·t_block(B_s) + fullProbes·m_f·t_full(B_s) + R·steps·t_step(B_t); '
  + 'm_b = max over blocks of min(steps, dim), m_f = min(fullSteps, params), R = learning rates over the optimizers\' grids '
  + '(up to 2·gridExtensions more each); t(B) = t(b)·B/b for times measured at batch b';

function slqMemory(trace: ShapeTrace, s: ResolvedSettings): SlqMemory {
  const f32 = bytesPerEntry('float32');
  const blocks = trace.blocks.map((b) => {
    const steps = Math.min(s.spectra.steps, b.dim);
    const mode = chooseReorth(b.dim, steps, 'float32');
    return { name: b.name, mode, bytes: peakVectorBound(mode, steps) * b.dim * f32 };
  });
  const fullSteps = Math.min(s.spectra.fullSteps, trace.params);
  const fullMode = chooseReorth(trace.params, fullSteps, 'float32');
  const f64 = bytesPerEntry('float64');
  return {
    auto: {
      blocks, blocksBytes: blocks.reduce((a, b) => a + b.bytes, 0),
      fullMode, fullBytes: peakVectorBound(fullMode, fullSteps) * trace.params * f32,
    },
    currentHost: {
      blocksBytes: trace.blocks.reduce((a, b) => a + peakVectorBound('full', Math.min(s.spectra.steps, b.dim)) * b.dim * f64, 0),
      fullBytes: peakVectorBound('full', fullSteps) * trace.params * f64,
    },
  };
}

function memoryOf(trace: ShapeTrace, s: ResolvedSettings): MemoryEstimate {
  const slq = slqMemory(trace, s);
  const blockSweep = trace.blockSweep.peakLiveBytes;
  const fullSweep = trace.fullSweep.peakLiveBytes;
  const trainStep = trace.trainStep.peakLiveBytes;
  return {
    paramBytes: trace.paramBytes, blockSweep, oneBlockSweep: trace.oneBlockSweep.peakLiveBytes, fullSweep, trainStep, slq,
    peakDevice: Math.max(blockSweep + slq.auto.blocksBytes, fullSweep + slq.auto.fullBytes, trainStep),
  };
}

/** Host bytes the CPU timing's block sweep would hold at `batch`: parameters plus the traced rest scaled by batch. */
function timingMemory(trace: ShapeTrace, batch: number): number {
  const rest = Math.max(0, trace.blockSweep.peakLiveBytes - trace.paramBytes);
  return trace.paramBytes + rest * (batch / trace.spectraBatch);
}

/** The largest tensor over the traced phases, and where it came from. */
function largestOf(trace: ShapeTrace): { bytes: number; what: string } {
  const phases = { 'block sweep': trace.blockSweep, 'full sweep': trace.fullSweep, 'training step': trace.trainStep };
  let best = { bytes: 0, what: '' };
  for (const [phase, r] of Object.entries(phases)) {
    if (r.largest.bytes > best.bytes) best = { bytes: r.largest.bytes, what: `${r.largest.op} (${r.largest.shape.join('×')}) in the ${phase}` };
  }
  return best;
}

/** Dry-runs every model of `o.models` under `o.preset`. */
export async function dryRun(o: DryRunOptions): Promise<DryRunReport> {
  const log = o.log ?? (() => {});
  const seed = o.seed ?? 0;
  const models: ModelDryRun[] = [];
  for (const name of o.models) {
    const settings = resolveSettings(name, o.preset, {});
    log(`${name}: tracing shapes at batch ${o.traceBatches?.spectra ?? settings.spectra.batch} (spectra) / ${o.traceBatches?.train ?? settings.train.batch} (training)`);
    const trace = await traceShapes(name, o.preset, settings, seed, o.traceBatches);
    const memory = memoryOf(trace, settings);
    const largest = largestOf(trace);
    const matmulBatch = Math.max(trace.blockSweep.largestMatmulBatch, trace.fullSweep.largestMatmulBatch, trace.trainStep.largestMatmulBatch);
    const violations = checkLimits({
      largestTensorBytes: largest.bytes, largestTensorWhat: largest.what, largestMatmulBatch: matmulBatch, memoryBytes: memory.peakDevice,
    }, o.limits);
    const counts = runCounts(settings, trace.blocks.map((b) => b.dim), trace.params);
    let times: StepTimes | null = o.times?.[name] ?? null;
    const hostNeed = o.timing ? timingMemory(trace, o.timing.batch) : 0;
    // Half the free memory: the CPU backend copies where WebGPU aliases, and pools freed arrays (the mixer at batch 2, traced at 8.7 GiB, passed 15 GiB).
    if (!times && o.timing && hostNeed > 0.5 * os.freemem()) {
      log(`${name}: timing skipped: its block sweep at batch ${o.timing.batch} would hold about ${(hostNeed / 2 ** 30).toFixed(1)} GiB, more than this machine has free`);
    } else if (!times && o.timing) {
      log(`${name}: timing ${o.timing.probes} probe(s) × ${o.timing.steps} sweeps, ${o.timing.steps} full sweeps, ${o.timing.trainSteps} training steps at batch ${o.timing.batch} on the CPU`);
      times = await measureTimes(name, o.preset, settings, { ...o.timing, seed });
    }
    const projection = times ? project(counts, times, settings.spectra.batch, settings.train.batch) : null;
    models.push({ model: name, settings, trace, memory, violations, counts, times, projection });
  }
  return { preset: o.preset, limits: o.limits, timing: o.timing, models, formula: FORMULA };
}
