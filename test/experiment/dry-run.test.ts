/**
 * The dry run: the shape-only backend counts what a real backend allocates,
 * every paper preset traces (shapes, limits, memory; no timing) with its real
 * parameter count, a too-small limit is reported, and memory grows with batch.
 */
import { describe, expect, it } from 'vitest';
import { blockDim, blockHvps } from '../../src/hessian/index.js';
import { createCpuBackend } from '../../src/kernels/cpu/index.js';
import { MetaBackend } from '../../src/kernels/meta.js';
import { loadText, makeCorpus } from '../../src/data/text.js';
import { createCnn, cnnPresets } from '../../src/models/cnn.js';
import { createMixer, mixerPresets } from '../../src/models/mixer.js';
import { createVgg, vggPresets } from '../../src/models/vgg.js';
import { paramCount } from '../../src/models/model.js';
import type { Backend, Storage } from '../../src/tensor/index.js';
import { resolveSettings } from '../../src/experiment/config.js';
import { dryRun } from '../../src/experiment/dryrun.js';
import { WEBGPU_DEFAULT_LIMITS, checkLimits, parseLimits } from '../../src/experiment/dryrun-limits.js';
import { traceShapes, withBackend } from '../../src/experiment/dryrun-trace.js';
import { runCounts, project } from '../../src/experiment/dryrun-time.js';
import { makeTask } from '../../src/experiment/task.js';
import { NEURAL_MODELS, type NeuralModel } from '../../src/experiment/types.js';

/** The CPU backend, recording the most bytes its stats() ever showed live (sampled after every allocation). */
function peakRecorder(inner: Backend): Backend & { peak: number } {
  const r = {
    name: inner.name, device: inner.device, peak: 0,
    upload: (d: Parameters<Backend['upload']>[0], t: Parameters<Backend['upload']>[1]) => note(inner.upload(d, t)),
    run: (...a: Parameters<Backend['run']>) => note(inner.run(...a)),
    read: (...a: Parameters<Backend['read']>) => inner.read(...a),
    readSync: (...a: Parameters<NonNullable<Backend['readSync']>>) => inner.readSync!(...a),
    free: (s: Storage) => inner.free(s),
    stats: () => inner.stats(),
  };
  const note = (s: Storage) => { r.peak = Math.max(r.peak, inner.stats().bytes); return s; };
  return r;
}

describe('shape-only backend', () => {
  it('counts the same peak live bytes as the CPU backend over a block sweep (tiny ViT)', async () => {
    const sweepPeak = async (b: Backend) => withBackend(b, async () => {
      const task = makeTask('vit', 'tiny', 0);
      const batch = task.batch(8, 0);
      const blocks = task.model.blocks();
      await blockHvps((p) => task.model.loss(p, batch, 'eval'), task.model.params,
        blocks.map((block) => ({ block, v: new Float64Array(blockDim(task.model.params, block)).fill(0.01) })));
    });
    const cpu = peakRecorder(createCpuBackend());
    await sweepPeak(cpu);
    const meta = new MetaBackend({ like: 'cpu' });
    await sweepPeak(meta);
    expect(cpu.peak).toBeGreaterThan(100_000);
    expect(meta.record().peakLiveBytes).toBe(cpu.peak);
  }, 60_000);
});

/** Parameter counts from the architectures' shapes, written out independently of the model files. */
function expectedParams(name: NeuralModel, vocab: number): number | null {
  const w = 768;
  const layer = 12 * w * w + 13 * w; // qkv, out-proj, MLP 4w (weights and biases), two LayerNorms
  switch (name) {
    case 'mlp': case 'hetero-mlp': return 784 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10;
    case 'vit': return 12 * layer + (16 * w + w) + w + 50 * w + 2 * w + (10 * w + 10); // 4×4 patches of 28×28: 49 + cls
    case 'gpt': return 12 * layer + vocab * w + 1024 * w + 2 * w + vocab * w; // wte, wpe, ln_f, untied lm_head
    case 'bert': return 12 * layer + (vocab + 1) * w + 512 * w + 2 * w + (w * w + w) + 2 * w + vocab * w + vocab;
    default: return null; // built separately below
  }
}

describe('dry run of every paper preset (shapes, limits and memory; no timing)', () => {
  it('traces every model with its real parameter count, and flags what exceeds WebGPU defaults', async () => {
    const report = await dryRun({
      preset: 'paper', models: [...NEURAL_MODELS], limits: WEBGPU_DEFAULT_LIMITS, timing: null, traceBatches: { spectra: 2, train: 2 },
    });
    const vocab = makeCorpus(loadText({})).vocab.length;
    const meta = new MetaBackend();
    const built: Partial<Record<NeuralModel, () => number>> = {
      cnn: () => paramCount(createCnn(cnnPresets.paper, 0).params),
      vgg: () => paramCount(createVgg(vggPresets.paper, 0).params),
      mixer: () => paramCount(createMixer(mixerPresets.paper, 0).params),
    };
    expect(report.models.map((m) => m.model)).toEqual([...NEURAL_MODELS]);
    for (const m of report.models) {
      const want = expectedParams(m.model, vocab) ?? await withBackend(meta, async () => built[m.model]!());
      expect(m.trace.params, m.model).toBe(want);
      expect(m.trace.blocks.reduce((a, b) => a + b.dim, 0), m.model).toBeLessThanOrEqual(m.trace.params);
      expect(m.memory.peakDevice, m.model).toBeGreaterThan(m.trace.paramBytes);
      expect(m.counts.blockSweeps, m.model).toBe(10 * Math.max(...m.trace.blocks.map((b) => Math.min(100, b.dim))));
    }
    // The held-out evaluation runs 2000 examples at once: its activations exceed WebGPU's default 128 MiB binding.
    expect(report.models.some((m) => m.violations.length > 0)).toBe(true);
  }, 120_000);
});

describe('limits', () => {
  it('reports a too-small limit as a violation, and nothing under generous ones', async () => {
    const s = resolveSettings('mlp', 'paper', {});
    const trace = await traceShapes('mlp', 'paper', s, 0, { spectra: 4, train: 4 });
    const big = trace.trainStep.largest.bytes;
    const needs = { largestTensorBytes: big, largestTensorWhat: 'x', largestMatmulBatch: 1, memoryBytes: trace.trainStep.peakLiveBytes };
    const tight = parseLimits({ maxStorageBufferBindingSize: 1024, memoryBytes: 1024 });
    expect(checkLimits(needs, tight).map((v) => v.limit).sort()).toEqual(['maxStorageBufferBindingSize', 'memoryBytes']);
    expect(checkLimits(needs, parseLimits({ maxStorageBufferBindingSize: 2 ** 32 - 4, maxBufferSize: 2 ** 34, memoryBytes: 2 ** 40 }))).toEqual([]);
    expect(() => parseLimits({ maxBufferSize: -1 })).toThrow(/maxBufferSize/);
    expect(() => parseLimits({ unrelated: 1 })).toThrow(/none of/);
  }, 60_000);
});

describe('memory and time scale with batch', () => {
  it('peak memory of every phase grows with the traced batch', async () => {
    const s = resolveSettings('mixer', 'paper', {});
    const [a, b] = [await traceShapes('mixer', 'paper', s, 0, { spectra: 2, train: 2 }), await traceShapes('mixer', 'paper', s, 0, { spectra: 8, train: 8 })];
    expect(b.blockSweep.peakLiveBytes).toBeGreaterThan(a.blockSweep.peakLiveBytes);
    expect(b.fullSweep.peakLiveBytes).toBeGreaterThan(a.fullSweep.peakLiveBytes);
    expect(b.trainStep.peakLiveBytes).toBeGreaterThanOrEqual(a.trainStep.peakLiveBytes);
  }, 60_000);

  it('projects a run by the formula from per-sweep and per-step times', () => {
    const s = resolveSettings('mlp', 'paper', {});
    const c = runCounts(s, [1000, 50], 2000);
    expect(c).toEqual({ blockSweeps: 10 * 100, fullSweeps: 10 * 100, trainRuns: 6, trainRunsMax: 6 + 2 * 2 * 2, trainSteps: 5000 });
    const p = project(c, { blockSweep: 1, fullSweep: 0.5, trainStep: 0.1, spectraBatch: 64, trainBatch: 128, source: 'test' }, 128, 128);
    expect(p.blockSpectra).toBeCloseTo(1000 * 1 * 2);
    expect(p.fullSpectrum).toBeCloseTo(1000 * 0.5 * 2);
    expect(p.training).toBeCloseTo(6 * 5000 * 0.1);
    expect(p.totalMax).toBeCloseTo(p.blockSpectra + p.fullSpectrum + 14 * 5000 * 0.1);
  });
});
