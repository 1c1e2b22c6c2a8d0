/**
 * The PyTorch side of `npm run bench -- --torch`: runs bench/torch_ref.py (the
 * reference MLP and Transformer of models.ts, rebuilt in PyTorch) in a child
 * Python and sets its gradient and HVP times beside heterograd's from the same
 * run. Optional: a missing interpreter or torch is a result, not a failure.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ModelBenchRow } from './models.js';

/** One HVP method's median, or why it did not run in this torch. */
export type TorchHvpTiming = { ms: number } | { error: string };

export interface TorchModelRow {
  model: 'mlp' | 'transformer';
  params: number;
  forwardMs: number;
  gradMs: number;
  hvp: { doubleBackward: TorchHvpTiming; forwardOverReverse: TorchHvpTiming };
}

export interface TorchReference {
  torch: string;
  python: string;
  threads: number;
  /** OMP_WAIT_POLICY as the script saw it; '' when unset (libgomp's default: spin a while, then sleep). */
  ompWaitPolicy: string;
  blas: { config: string; loaded: string[] };
  runs: number;
  warmup: number;
  models: TorchModelRow[];
}

export type TorchOutcome = { ok: true; ref: TorchReference } | { ok: false; reason: string };

/** `HETEROGRAD_PYTHON`, else Debian's /usr/bin/python3 (which has python3-torch; a pyenv `python3` on PATH may not). */
export const defaultPython = (): string => process.env.HETEROGRAD_PYTHON || '/usr/bin/python3';

const SCRIPT = fileURLToPath(new URL('./torch_ref.py', import.meta.url));

const fail = (what: string): never => { throw new Error(`torch_ref.py output: ${what}`); };
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

function checkHvp(name: string, h: unknown): TorchHvpTiming {
  const o = h as Record<string, unknown> | null;
  if (o && isNum(o.ms)) return { ms: o.ms };
  if (o && typeof o.error === 'string') return { error: o.error };
  return fail(`${name} has neither a time (ms) nor an error`);
}

/** The script's JSON (its last non-empty stdout line), checked field by field; throws naming the first bad field. */
export function parseTorchReference(stdout: string): TorchReference {
  const line = stdout.trim().split('\n').pop() ?? '';
  let o: Record<string, unknown>;
  try { o = JSON.parse(line); } catch { return fail(`not JSON: ${JSON.stringify(line.slice(0, 80))}`); }
  if (typeof o.torch !== 'string') fail('missing torch version');
  if (!isNum(o.threads) || !isNum(o.runs) || !isNum(o.warmup)) fail('threads, runs or warmup is not a number');
  if (typeof o.ompWaitPolicy !== 'string') fail('missing ompWaitPolicy');
  const blas = o.blas as TorchReference['blas'] | undefined;
  if (!blas || typeof blas.config !== 'string' || !Array.isArray(blas.loaded)) fail('missing blas');
  if (!Array.isArray(o.models) || o.models.length !== 2) fail('models is not a list of two');
  const models = (o.models as Record<string, unknown>[]).map((m, i): TorchModelRow => {
    if (m.model !== ['mlp', 'transformer'][i]) fail(`models[${i}] is ${JSON.stringify(m.model)}, expected ${['mlp', 'transformer'][i]}`);
    for (const k of ['params', 'forwardMs', 'gradMs'] as const) if (!isNum(m[k])) fail(`models[${i}].${k} is not a number`);
    const h = m.hvp as Record<string, unknown> | undefined;
    if (!h) fail(`models[${i}].hvp is missing`);
    return {
      model: m.model as TorchModelRow['model'], params: m.params as number, forwardMs: m.forwardMs as number, gradMs: m.gradMs as number,
      hvp: { doubleBackward: checkHvp(`models[${i}].hvp.doubleBackward`, h!.doubleBackward), forwardOverReverse: checkHvp(`models[${i}].hvp.forwardOverReverse`, h!.forwardOverReverse) },
    };
  });
  return { torch: o.torch as string, python: String(o.python), threads: o.threads as number, ompWaitPolicy: o.ompWaitPolicy as string, blas: blas!, runs: o.runs as number, warmup: o.warmup as number, models };
}

/**
 * Runs torch_ref.py with `python`; never rejects: a missing interpreter, torch or bad output comes back as `{ ok: false, reason }`.
 * OpenMP threads wait passively unless OMP_WAIT_POLICY is set: spinning made torch 20–50× slower on this shared
 * machine, and heterograd's pool blocks (Atomics.wait) rather than spins, so passive is the like-for-like setting.
 */
export function runTorchReference(opts: { python: string; threads: number; runs: number; timeoutMs?: number }): Promise<TorchOutcome> {
  const args = [SCRIPT, '--threads', String(opts.threads), '--runs', String(opts.runs)];
  return new Promise((resolve) => {
    execFile(opts.python, args, {
      timeout: opts.timeoutMs ?? 600_000, maxBuffer: 1 << 24, env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY || 'passive' },
    }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
        const last = String(stderr).trim().split('\n').pop();
        const reason = e.code === 'ENOENT' ? `interpreter ${opts.python} not found`
          : e.killed ? `${opts.python} timed out` : last || `${opts.python} exited with code ${String(e.code)}`;
        resolve({ ok: false, reason });
        return;
      }
      try { resolve({ ok: true, ref: parseTorchReference(String(stdout)) }); } catch (e2) { resolve({ ok: false, reason: (e2 as Error).message }); }
    });
  });
}

/** PyTorch's fastest HVP method that ran, with its name. */
export function bestTorchHvp(r: TorchModelRow): { ms: number; method: string } {
  const ran = ([['double backward', r.hvp.doubleBackward], ['forward-over-reverse (functorch jvp of grad)', r.hvp.forwardOverReverse]] as const)
    .flatMap(([method, t]) => ('ms' in t ? [{ ms: t.ms, method }] : []));
  if (ran.length === 0) throw new Error(`PyTorch ran no HVP method on ${r.model}`);
  return ran.reduce((a, b) => (b.ms < a.ms ? b : a));
}

/** Issue 11's targets for heterograd's HVP time over PyTorch's. */
export const HVP_TARGET = { mlp: 4, transformer: 2 } as const;

export interface TorchComparisonRow {
  model: string;
  gradMs: number; torchGradMs: number; gradRatio: number;
  hvpMs: number; torchHvpMs: number; torchHvpMethod: string; hvpRatio: number;
  target: number; met: boolean;
}

/** heterograd's rows (models.ts order: MLP, Transformer) against PyTorch's; refuses rows whose parameter counts differ. */
export function compareWithTorch(ours: ModelBenchRow[], ref: TorchReference): TorchComparisonRow[] {
  if (ours.length !== ref.models.length) throw new Error(`bench has ${ours.length} models, torch_ref.py ${ref.models.length}`);
  return ours.map((o, i) => {
    const t = ref.models[i];
    if (t.params !== o.params) throw new Error(`${o.model}: heterograd has ${o.params} parameters, torch_ref.py's ${t.model} ${t.params}; the architectures differ`);
    const hvp = bestTorchHvp(t), hvpRatio = o.hvpMs / hvp.ms, target = HVP_TARGET[t.model];
    return {
      model: o.model, gradMs: o.gradMs, torchGradMs: t.gradMs, gradRatio: o.gradMs / t.gradMs,
      hvpMs: o.hvpMs, torchHvpMs: hvp.ms, torchHvpMethod: hvp.method, hvpRatio, target, met: hvpRatio <= target,
    };
  });
}
