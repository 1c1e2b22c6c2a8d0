/**
 * `npm run dry-run -- --preset paper [--model vit,gpt,…] [--device-limits FILE] [--timings FILE]
 *   [--batch 2] [--steps 2] [--probes 1] [--train-steps 2] [--no-timing] [--json FILE]`
 *
 * Before any GPU time is spent: builds each model of the preset, traces its
 * spectra sweeps and training step at the preset's batch on a shape-only
 * backend (largest tensor, peak memory, limits), times a reduced run on the
 * CPU and projects the full run's time (see src/experiment/dryrun.ts).
 * Exit code 2 for bad arguments, 3 when a model violates a limit.
 */
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { PRESETS, type Preset } from '../models/model.js';
import { ConfigError, resolveSettings } from '../experiment/config.js';
import { dryRun } from '../experiment/dryrun.js';
import { WEBGPU_DEFAULT_LIMITS, readLimits } from '../experiment/dryrun-limits.js';
import { formatReport, readTimings } from '../experiment/dryrun-table.js';
import { NEURAL_MODELS, type NeuralModel } from '../experiment/types.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`'${v}' is not an integer ≥ 1`);
  return n;
}

function models(v: string): NeuralModel[] {
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`no model given; valid: ${NEURAL_MODELS.join(', ')}`);
  for (const n of names) if (!(NEURAL_MODELS as readonly string[]).includes(n)) throw new InvalidArgumentError(`unknown model '${n}'; valid: ${NEURAL_MODELS.join(', ')}`);
  return names as NeuralModel[];
}

function preset(v: string): Preset {
  if (!(PRESETS as readonly string[]).includes(v)) throw new InvalidArgumentError(`unknown preset '${v}'; valid: ${PRESETS.join(', ')}`);
  return v as Preset;
}

const program = new Command('dry-run')
  .description('Shapes, device limits, memory and projected time of a preset, on the CPU, before any GPU run')
  .option('--preset <name>', `preset (${PRESETS.join(', ')})`, preset, 'paper' as Preset)
  .option('--model <list>', 'models, comma-separated (default: every model)', models, [...NEURAL_MODELS])
  .option('--device-limits <file>', 'JSON of limits to check (maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupsPerDimension, memoryBytes); default WebGPU\'s')
  .option('--timings <file>', 'JSON of per-model seconds per block sweep / full sweep / training step measured elsewhere (used instead of timing on the CPU)')
  .option('--batch <n>', 'reduced batch for the CPU timing', positiveInt, 2)
  .option('--steps <n>', 'Lanczos steps (sweeps) to time per probe', positiveInt, 2)
  .option('--probes <n>', 'probes to time', positiveInt, 1)
  .option('--train-steps <n>', 'training steps to time (at least 2)', positiveInt, 2)
  .option('--no-timing', 'shapes, limits and memory only')
  .option('--seed <n>', 'seed of the models and batches', (v) => positiveInt(String(Number(v) + 1)) - 1, 0)
  .option('--json <file>', 'also write the report as JSON')
  .exitOverride();

function usageError(message: string): never {
  process.stderr.write(`dry-run: ${message}\n`);
  process.exit(2);
}

try {
  program.parse();
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    process.exit(2);
  }
  throw e;
}
const o = program.opts<{
  preset: Preset; model: NeuralModel[]; deviceLimits?: string; timings?: string; batch: number; steps: number; probes: number;
  trainSteps: number; timing: boolean; seed: number; json?: string;
}>();

try {
  const limits = o.deviceLimits ? readLimits(o.deviceLimits) : WEBGPU_DEFAULT_LIMITS;
  const times = o.timings ? readTimings(o.timings, (m) => {
    const s = resolveSettings(m, o.preset, {});
    return { spectra: s.spectra.batch, train: s.train.batch };
  }) : undefined;
  const report = await dryRun({
    preset: o.preset, models: o.model, limits, seed: o.seed, ...(times ? { times } : {}),
    timing: o.timing ? { batch: o.batch, steps: o.steps, probes: o.probes, trainSteps: Math.max(2, o.trainSteps), seed: o.seed } : null,
    log: (l) => process.stderr.write(`${l}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  if (o.json) writeFileSync(o.json, `${JSON.stringify(report, null, 1)}\n`);
  process.exit(report.models.some((m) => m.violations.length > 0) ? 3 : 0);
} catch (e) {
  if (e instanceof ConfigError) usageError(e.message);
  process.stderr.write(`dry-run: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
