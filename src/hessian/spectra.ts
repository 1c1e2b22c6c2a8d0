/**
 * Blockwise Hessian spectra of a loss: the density of each block's principal
 * sub-Hessian H_bb, and of the full Hessian, by SLQ.
 *
 * Work is shared across blocks. Every block runs its own Lanczos process, but
 * they advance in lockstep: whenever all running blocks wait for a matvec,
 * one forward-over-reverse sweep with k tangents (one per block, zero
 * elsewhere) answers all of them (`hvpMulti`), so the primal forward and
 * backward pass is paid once per step instead of once per block.
 */
import { hvpMulti } from '../autodiff/index.js';
import { type MatVec, type SlqOptions, type SlqProbe, type SlqResult, slq } from '../analysis/index.js';
import { type Tensor, dispose as disposeOne, fromArray, tidy } from '../tensor/index.js';
import { type BlockSpec, type LossFn, blockDim, blockHvps } from './blocks.js';

/**
 * Collects matvec requests from concurrently running Lanczos processes and
 * answers all of them with one sweep once every running process is waiting.
 */
class LockstepSweeps {
  private readonly pending = new Map<string, { block: BlockSpec; v: Float64Array; resolve: (r: Float64Array) => void; reject: (e: unknown) => void }>();
  private readonly running = new Set<string>();
  sweeps = 0;

  constructor(
    private readonly loss: LossFn, private readonly params: Record<string, Tensor>, blocks: BlockSpec[],
    private readonly onSweep?: (sweeps: number) => void,
  ) {
    for (const b of blocks) this.running.add(b.name);
  }

  matvec(block: BlockSpec): MatVec {
    return (v) => new Promise<Float64Array>((resolve, reject) => {
      this.pending.set(block.name, { block, v, resolve, reject });
      this.maybeSweep();
    });
  }

  finished(name: string): void {
    this.running.delete(name);
    this.maybeSweep();
  }

  private maybeSweep(): void {
    if (this.pending.size === 0 || this.pending.size < this.running.size) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.sweeps++;
    blockHvps(this.loss, this.params, batch.map(({ block, v }) => ({ block, v })))
      .then((rs) => {
        this.onSweep?.(this.sweeps);
        batch.forEach((p, i) => p.resolve(rs[i]));
      })
      .catch((e) => batch.forEach((p) => p.reject(e)));
  }
}

/** SLQ options shared by every block; `steps` (default 100) is capped at each block's dimension. */
export interface BlockSpectraOptions extends Omit<SlqOptions, 'label' | 'resumeFrom' | 'onProbe'> {
  /** Earlier (possibly partial) results per block, to resume. */
  resumeFrom?: Record<string, SlqResult>;
  onProbe?: (block: string, probe: SlqProbe, partial: SlqResult) => void | Promise<void>;
  /** Answer all blocks' matvecs with one k-tangent sweep (default true); false runs one HVP per block per step. */
  shareSweeps?: boolean;
  /** Called after every sweep (one Lanczos step of every running block) with the sweeps so far: progress by steps, not probes. */
  onSweep?: (sweeps: number) => void;
}

/** SLQ of every block's H_bb. Results are keyed by block name, in the given order. */
export async function blockSpectra(
  loss: LossFn, params: Record<string, Tensor>, blocks: BlockSpec[], opts: BlockSpectraOptions = {},
): Promise<{ results: Record<string, SlqResult>; sweeps: number }> {
  if (blocks.length === 0) throw new Error('blockSpectra: the block list is empty');
  const seen = new Set<string>();
  for (const b of blocks) {
    if (seen.has(b.name)) throw new Error(`blockSpectra: block name '${b.name}' appears twice`);
    seen.add(b.name);
    blockDim(params, b);
  }
  const { resumeFrom, onProbe, onSweep, shareSweeps = true, ...common } = opts;
  const steps = common.steps ?? 100;
  // A block smaller than the step count is solved exactly in `dim` steps; it then
  // drops out of the lockstep while the larger blocks go on.
  const run = (b: BlockSpec, matvec: MatVec) => slq(matvec, blockDim(params, b), {
    ...common,
    steps: Math.min(steps, blockDim(params, b)),
    label: b.name,
    ...(resumeFrom?.[b.name] ? { resumeFrom: resumeFrom[b.name] } : {}),
    ...(onProbe ? { onProbe: (p: SlqProbe, r: SlqResult) => onProbe(b.name, p, r) } : {}),
  });
  const results: Record<string, SlqResult> = {};
  if (!shareSweeps) {
    let sweeps = 0;
    for (const b of blocks) {
      results[b.name] = await run(b, async (v) => {
        const hv = (await blockHvps(loss, params, [{ block: b, v }]))[0];
        sweeps++; // not inside onSweep?.(…): optional chaining would skip the increment without a callback
        onSweep?.(sweeps);
        return hv;
      });
    }
    return { results, sweeps };
  }
  const lock = new LockstepSweeps(loss, params, blocks, onSweep);
  const done = await Promise.all(blocks.map(async (b) => {
    try {
      return await run(b, lock.matvec(b));
    } finally {
      lock.finished(b.name);
    }
  }));
  blocks.forEach((b, i) => { results[b.name] = done[i]; });
  return { results, sweeps: lock.sweeps };
}

/** SLQ of the full Hessian over every parameter (dimension = parameter count). */
export async function fullSpectrum(
  loss: LossFn, params: Record<string, Tensor>, opts: Omit<SlqOptions, 'label'> = {},
): Promise<SlqResult> {
  const names = Object.keys(params);
  const sizes = names.map((n) => params[n].size);
  const dim = sizes.reduce((a, b) => a + b, 0);
  const matvec: MatVec = async (v) => {
    const hv = tidy(() => {
      let o = 0;
      const tangent: Record<string, Tensor> = {};
      names.forEach((n, i) => {
        const t = params[n];
        const part = v.subarray(o, o + sizes[i]);
        tangent[n] = fromArray(t.dtype === 'float64' ? part.slice() : Float32Array.from(part), t.shape, t.dtype);
        o += sizes[i];
      });
      return hvpMulti(loss, params, [tangent])[0];
    });
    const out = new Float64Array(dim);
    let o = 0;
    for (const n of names) {
      out.set(await hv[n].data(), o);
      o += hv[n].size;
      disposeOne(hv[n]);
    }
    return out;
  };
  return slq(matvec, dim, { ...opts, label: 'full Hessian' });
}
