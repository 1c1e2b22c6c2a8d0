/**
 * What a checkpoint file may hold, checked before `--resume` trusts it. A
 * checkpoint is JSON on disk: a hand edit, a file from another tool, or an
 * older layout can parse and still not be a checkpoint, and its values flow
 * straight into results.json and the figures. So every field is checked here
 * and the first problem is named with its path (`spectraDone.slq.fc1.probes[0].nodes`),
 * rather than surfacing later as a TypeError or a results.json that fails its schema.
 */
import { OPTIMIZERS } from './config.js';

type Check = (x: unknown, at: string) => string | null;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const count = (x: unknown): x is number => finite(x) && Number.isInteger(x) && x >= 0;

/** The first problem among `checks` (each a field name and its check), or null. */
function fields(x: unknown, at: string, checks: Record<string, Check>, optional: readonly string[] = []): string | null {
  if (!isObject(x)) return `${at} is not an object`;
  for (const [k, check] of Object.entries(checks)) {
    if (x[k] === undefined && optional.includes(k)) continue;
    const p = x[k] === undefined ? `${at}.${k} is missing` : check(x[k], `${at}.${k}`);
    if (p) return p;
  }
  return null;
}

const num: Check = (x, at) => (finite(x) ? null : `${at} is not a finite number`);
const int: Check = (x, at) => (count(x) ? null : `${at} is not a whole number ≥ 0`);
const numOrNull: Check = (x, at) => (x === null ? null : num(x, at));
const str: Check = (x, at) => (typeof x === 'string' ? null : `${at} is not a string`);
const obj: Check = (x, at) => (isObject(x) ? null : `${at} is not an object`);

function array(item: Check, min = 0): Check {
  return (x, at) => {
    if (!Array.isArray(x)) return `${at} is not an array`;
    if (x.length < min) return `${at} has ${x.length} entries, expected at least ${min}`;
    for (let i = 0; i < x.length; i++) {
      const p = item(x[i], `${at}[${i}]`);
      if (p) return p;
    }
    return null;
  };
}

function record(item: Check): Check {
  return (x, at) => {
    if (!isObject(x)) return `${at} is not an object`;
    for (const [k, v] of Object.entries(x)) {
      const p = item(v, `${at}.${k}`);
      if (p) return p;
    }
    return null;
  };
}

const orNull = (c: Check): Check => (x, at) => (x === null ? null : c(x, at));

const probe: Check = (x, at) =>
  fields(x, at, { nodes: array(num, 1), weights: array(num, 1), steps: int, index: int, seed: int })
  ?? ((x as { nodes: number[]; weights: number[] }).nodes.length !== (x as { weights: number[] }).weights.length
    ? `${at}: nodes and weights differ in length` : null);

const slqResult: Check = (x, at) =>
  fields(x, at, { kind: (k, a) => (k === 'slq' ? null : `${a} is not 'slq'`), dim: int, steps: int, seed: int, probes: array(probe) });

const pairwise: Check = (x, at) => fields(x, at, { labels: array(str), matrix: array(array(num)) });

const block: Check = (x, at) => fields(x, at, { name: str, param: str, dim: int });

/** Block spectra still being measured: any subset of the blocks, and perhaps a partial full spectrum. */
const partialSpectra: Check = (x, at) =>
  fields(x, at, { slq: record(slqResult), full: orNull(slqResult), sweeps: int, seconds: num }, ['slq', 'full', 'sweeps', 'seconds']);

/** Finished spectra: a whole SpectraResult, one SLQ result per listed block. */
const doneSpectra: Check = (x, at) => {
  const p = fields(x, at, {
    settings: obj, blocks: array(block, 1), slq: record(slqResult), full: orNull(slqResult),
    js: orNull(pairwise), js0: numOrNull, w1: orNull(pairwise), w10: numOrNull, sweeps: int, seconds: num,
  });
  if (p) return p;
  const s = x as { blocks: { name: string }[]; slq: Record<string, unknown> };
  const missing = s.blocks.find((b) => !(b.name in s.slq));
  return missing ? `${at}.slq has no result for block '${missing.name}'` : null;
};

const diverged: Check = (x, at) => (x === null ? null : fields(x, at, {
  step: int, loss: (l, a) => (finite(l) || l === 'NaN' || l === 'Infinity' || l === '-Infinity' ? null : `${a} is not a loss`),
}));

const run: Check = (x, at) => fields(x, at, {
  optimizer: (o, a) => ((OPTIMIZERS as readonly unknown[]).includes(o) ? null : `${a} is not one of ${OPTIMIZERS.join(', ')}`),
  lr: num, losses: array(num), finalLoss: numOrNull, diverged, heldOutLoss: numOrNull, heldOutAccuracy: numOrNull, seconds: num,
});

/**
 * The first reason `x` is not a checkpoint of `version` for a model with the
 * given blocks, or null when it is one. Its fingerprint is compared separately.
 */
export function checkpointProblem(x: unknown, version: number, blockNames: readonly string[]): string | null {
  if (!isObject(x)) return 'it is not a JSON object';
  if (x.version !== version) return `its version is ${JSON.stringify(x.version)}, this heterograd writes ${version}`;
  const p = fields(x, 'checkpoint', { fingerprint: obj, spectra: partialSpectra, spectraDone: doneSpectra, runs: array(run) },
    ['spectra', 'spectraDone', 'runs']);
  if (p) return p;
  const known = new Set(blockNames);
  for (const part of ['spectra', 'spectraDone'] as const) {
    const slq = (x[part] as { slq?: Record<string, unknown> } | undefined)?.slq ?? {};
    const stranger = Object.keys(slq).find((b) => !known.has(b));
    if (stranger) return `checkpoint.${part}.slq has block '${stranger}', which this model does not have (blocks: ${blockNames.join(', ')})`;
  }
  return null;
}

/** A few words on what a checkpoint already holds, for the "resuming" line. */
export function resumeState(
  ck: { spectraDone?: unknown; spectra?: { slq?: Record<string, { probes: unknown[] }>; full?: unknown }; runs?: unknown[] },
  blocks: number, probes: number,
): string {
  let spectra: string;
  if (ck.spectraDone) spectra = 'spectra done';
  else if (!ck.spectra) spectra = 'no spectra yet';
  else {
    const finished = Object.values(ck.spectra.slq ?? {}).filter((r) => r.probes.length >= probes).length;
    spectra = finished === blocks
      ? `block spectra done, full spectrum ${ck.spectra.full ? 'partly done' : 'to do'}`
      : `${finished} of ${blocks} block spectra done`;
  }
  return `${spectra}, ${ck.runs?.length ?? 0} training runs done`;
}
