/**
 * The report's tables and facts, from results.json: the summary (neural
 * models and quadratic cases apart, each in its own units), every training
 * run with its held-out loss and accuracy, the runs that failed with their
 * message, per-convention sensitivity where measured, every setting each
 * model used, and where the numbers came from.
 */
import type { ReportSection, ReportTable } from '../report/index.js';
import { type SummaryRow, withInterval } from './summary.js';
import type { ExperimentOptions, ModelResult, NeuralResult, OptimizerName } from './types.js';
import { modelLabel } from './report-figures.js';

/** A run that threw: which model and seed, and its message. */
export interface Failure { model: string; seed: number; error: string }

/** What the report reads: results.json (options, versions, failures and seconds are absent from older files). */
export interface ReportDoc {
  command: string;
  createdAt: string;
  backend: { name: string; device: string };
  models: ModelResult[];
  summary: SummaryRow[];
  options?: ExperimentOptions;
  versions?: Record<string, string>;
  failures?: Failure[];
  seconds?: number;
  schema?: string;
  /** Spearman's ρ between JS⁰ and the gap, with its bootstrap interval (see summary.ts gapCorrelation). */
  correlation?: { estimate: number; lo: number; hi: number; n: number } | null;
}

const lrs = (xs: number[]) => [...new Set(xs.map((x) => (Number.isNaN(x) ? '—' : String(Number(x.toPrecision(3))))))].join('/');

/** A setting's value as text: lists joined, objects as JSON, numbers in full. */
const show = (v: unknown): string =>
  v === undefined ? '—' : Array.isArray(v) ? v.map(show).join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);

/** Neural models and quadratic cases, each in a table of its own units. */
export function summaryTables(rows: SummaryRow[]): ReportTable[] {
  const neural = rows.filter((r) => r.gapKind === 'loss');
  const quad = rows.filter((r) => r.gapKind !== 'loss');
  const tables: ReportTable[] = [];
  if (neural.length) {
    const extra = [...new Set(neural.flatMap((r) => Object.keys(r.gaps)))] as OptimizerName[];
    tables.push({
      columns: ['model', 'preset', 'seeds', 'JS⁰ [95%]', 'SGD final loss [95%]', 'SGD lr', 'Adam final loss [95%]', 'Adam lr', 'SGD − Adam [95%]',
        ...extra.map((o) => `${o} − Adam [95%]`)],
      rows: neural.map((s) => [
        s.model, s.preset, s.seeds.length, withInterval(s.js0), withInterval(s.sgdLoss), lrs(s.sgdLr), withInterval(s.adamLoss), lrs(s.adamLr),
        withInterval(s.gap), ...extra.map((o) => withInterval(s.gaps[o] ?? null)),
      ]),
      caption: 'Neural models: JS⁰ at initialization; final training loss (mean of the last 10% of steps) of each optimizer\'s best learning rate, ' +
        'and SGD − Adam (positive: Adam ahead); mean over seeds with a 95% Student-t interval across seeds where there are several.',
    });
  }
  if (quad.length) {
    tables.push({
      columns: ['quadratic', 'seeds', 'JS⁰ (exact spectra) [95%]', 'GD final ‖∇f‖ [95%]', 'GD lr', 'best Adam final ‖∇f‖ [95%]', 'Adam lr', 'Adam\'s lead, decades of ‖∇f‖ [95%]'],
      rows: quad.map((s) => [
        s.model, s.seeds.length, withInterval(s.js0, 3), withInterval(s.sgdLoss, 3), lrs(s.sgdLr), withInterval(s.adamLoss, 3), lrs(s.adamLr),
        withInterval(s.gap, 1),
      ]),
      caption: 'Quadratic problems (units differ from the table above): final gradient norm ‖∇f‖ of gradient descent and of the best Adam variant, ' +
        'and Adam\'s lead as log10(GD ‖∇f‖ / Adam ‖∇f‖), in decades.',
    });
  }
  return tables;
}

/** A warning line per failed run, for the top of the page. */
export const failureNotes = (failures: Failure[], runs: number): ReportSection['notes'] =>
  failures.length
    ? [{ kind: 'warning', text: `${failures.length} of ${runs} model runs failed and are missing from the tables and figures: ` +
      failures.map((f) => `${f.model} seed ${f.seed}: ${f.error}`).join('; ') }]
    : [];

/** The failed runs with their messages, or null when none failed. */
export function failuresSection(failures: Failure[]): ReportSection | null {
  if (!failures.length) return null;
  return {
    id: 'failures', heading: 'Failures',
    text: 'These runs threw and produced no results; the other models went on. Rerun one with --model and --seed to see its full error.',
    tables: [{ columns: ['model', 'seed', 'error'], rows: failures.map((f) => [f.model, f.seed, f.error]) }],
  };
}

/** Every training run of every neural model and seed: final training loss, held-out loss and accuracy. */
export function runsTable(models: ModelResult[]): ReportTable | null {
  const rows: (string | number | null)[][] = [];
  for (const r of models) {
    if (r.kind !== 'neural' || !r.training) continue;
    const t = r.training;
    for (const x of t.runs) {
      const best = t.best[x.optimizer]?.lr === x.lr && !x.diverged;
      rows.push([
        modelLabel(r), r.seed, x.optimizer, x.lr, x.finalLoss, x.heldOutLoss, x.heldOutAccuracy === null ? null : 100 * x.heldOutAccuracy,
        x.diverged ? `step ${x.diverged.step} (loss ${x.diverged.loss})` : '', best ? '★' : '', x.seconds,
      ]);
    }
  }
  if (!rows.length) return null;
  const sizes = [...new Set(models.filter((r): r is NeuralResult => r.kind === 'neural' && r.training !== null).map((r) => r.settings.train.heldOut))];
  const heldOut = sizes.length === 1 ? `${sizes[0]} held-out examples` : 'held-out examples (train.heldOut in Settings gives each model\'s count)';
  return {
    columns: ['model', 'seed', 'optimizer', 'lr', 'final training loss', 'held-out loss', 'held-out accuracy (%)', 'diverged at', 'best', 'seconds'],
    rows,
    caption: `Every training run. Held-out loss and accuracy are measured once, after the last step, on a fixed batch of ${heldOut}; ★ marks each optimizer's best run.`,
    ...(rows.length > 24 ? { collapsed: `All ${rows.length} training runs (click to open)` } : {}),
  };
}

/**
 * How each optimizer's learning rate was chosen, per model and seed: the grid
 * searched (with the rates added past an end, and whether the best still sits
 * at one), or another seed's best under `--tune-lrs first`.
 */
export function lrChoiceTable(models: ModelResult[]): ReportTable | null {
  const rows: (string | number | null)[][] = [];
  for (const r of models) {
    if (r.kind !== 'neural' || !r.training) continue;
    const t = r.training;
    for (const o of t.settings.optimizers) {
      const tried = t.runs.filter((x) => x.optimizer === o).map((x) => x.lr).sort((a, b) => a - b);
      const g = t.grids?.[o];
      const from = t.lrsFrom?.lrs[o];
      const how = from !== undefined
        ? `seed ${t.lrsFrom!.seed}'s best (--tune-lrs first)`
        : [
          'grid search',
          ...(g?.extended.length ? [`extended ${g.extended.map((e) => `${e.direction} to ${e.lr}`).join(', ')}`] : []),
          ...(g?.atEdge ? ['best still at an end of the grid'] : []),
        ].join('; ');
      rows.push([modelLabel(r), r.seed, o, tried.join(', '), t.best[o]?.lr ?? null, how]);
    }
  }
  if (!rows.length) return null;
  return {
    columns: ['model', 'seed', 'optimizer', 'learning rates run', 'best', 'how chosen'],
    rows,
    caption: 'Where each learning rate came from. A grid whose best sits at an end is extended by its own ratio in that direction (--grid-extensions); ' +
      '"best still at an end" means the optimum may lie beyond what was tried. Under --tune-lrs first, later seeds run the first seed\'s best rates only.',
    ...(rows.length > 24 ? { collapsed: `How all ${rows.length} learning rates were chosen (click to open)` } : {}),
  };
}

const intervalText = ([lo, hi]: [number, number]): string => `[${Number(lo.toPrecision(3))}, ${Number(hi.toPrecision(3))}]`;

/**
 * JS⁰, W1⁰ and KS⁰ under each axis convention (derive.ts, `spectra.analysis`),
 * the headline marked and given its probe-bootstrap interval; null when no
 * model has block spectra.
 */
export function conventionsTable(models: ModelResult[]): ReportTable | null {
  const rows: (string | number | null)[][] = [];
  for (const r of models) {
    if (r.kind !== 'neural' || !r.spectra?.analysis) continue;
    const a = r.spectra.analysis;
    for (const [name, c] of Object.entries(a.conventions)) {
      const headline = name === a.convention;
      rows.push([
        modelLabel(r), r.seed, headline ? `${name} (headline)` : name, c.js0,
        headline ? intervalText([a.js0.lo, a.js0.hi]) : '—', c.w10, c.ks0, c.error ?? '',
      ]);
    }
  }
  if (!rows.length) return null;
  return {
    columns: ['model', 'seed', 'convention', 'JS⁰', 'JS⁰ 95% interval', 'W1⁰', 'KS⁰', 'not applicable because'],
    rows,
    caption: 'How much the heterogeneity score depends on how the block densities are made: the same SLQ nodes scored under each convention. ' +
      'The headline convention was chosen by calibration on problems of known heterogeneity (docs/calibration.md); its interval is a bootstrap over probes.',
  };
}

/** Flattens a settings record into dotted paths (`spectra.probes`). */
function flatten(o: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [[`${prefix}${k}`, v] as [string, unknown]]);
}

/** Every setting of each neural model (first seed of each), the choices fixed by the code included, as rows × models. */
function modelSettingsTable(models: NeuralResult[]): ReportTable | null {
  if (!models.length) return null;
  const per = models.map((r) => new Map<string, unknown>([
    ['params', r.params], ['data', r.data],
    ...flatten(r.settings as unknown as Record<string, unknown>),
    ...flatten((r.spectra?.settings ?? {}) as Record<string, unknown>, 'spectra.').filter(([k]) => !k.endsWith('.bn')),
    ...flatten((r.training?.settings ?? {}) as Record<string, unknown>, 'train.').filter(([k]) => k !== 'train.optimizers'),
  ]));
  const keys = [...new Set(per.flatMap((m) => [...m.keys()]))];
  return {
    columns: ['setting', ...models.map(modelLabel)],
    rows: keys.map((k) => [k, ...per.map((m) => show(m.get(k)))]),
    caption: 'Every setting each model ran with: its preset\'s defaults with the overrides above applied, and the fixed choices recorded with the results ' +
      '(probe distribution, reorthogonalization, schedule, momentum, Adam βs, how the best run is chosen).',
  };
}

/** The run's options, the overrides given, and every setting per model. */
export function settingsSection(doc: ReportDoc): ReportSection {
  const o = doc.options;
  const tables: ReportTable[] = [];
  if (o) {
    tables.push({
      columns: ['option', 'value'],
      rows: [
        ['models', show(o.model)], ['preset', o.preset], ['seeds', show(o.seeds)], ['backend asked for', o.backend],
        ['data', o.data ?? 'built-in'], ['hetero r', show(o.hetero)], ['figure formats', show(o.formats)], ['out', o.out], ['resume', String(o.resume)],
      ],
      caption: 'The run\'s options.',
    });
    const given = Object.entries(o.overrides ?? {});
    tables.push(given.length
      ? { columns: ['override', 'value'], rows: given.map(([k, v]) => [k, show(v)]), caption: 'Settings given by flag or --config, overriding the preset.' }
      : { columns: ['override', 'value'], rows: [['(none)', 'every setting is the preset\'s default']], caption: 'Settings given by flag or --config.' });
  }
  const firsts = doc.models.filter((r): r is NeuralResult => r.kind === 'neural')
    .filter((r, _, all) => !all.some((x) => x !== r && modelLabel(x) === modelLabel(r) && x.seed < r.seed));
  const m = modelSettingsTable(firsts);
  if (m) tables.push(m);
  const quad = doc.models.find((r) => r.kind === 'quadratic');
  const text = quad?.kind === 'quadratic'
    ? `quadratic: synthetic problems, cases ${quad.cases.map((c) => c.caseId).join(', ')}, ${quad.cases[0]?.steps ?? '—'} iterations each, preset ${quad.preset}.`
    : '';
  return { id: 'settings', heading: 'Settings', text: o ? text : `results.json records no options. ${text}`, tables };
}

/** Where the numbers came from: command, commit, versions, backend, date. */
export function provenanceSection(doc: ReportDoc): ReportSection {
  const v = doc.versions ?? {};
  const facts: [string, string][] = [
    ['command', doc.command],
    ['git commit', v.commit ?? 'not recorded in results.json'],
    ['heterograd', v.heterograd ?? 'not recorded'],
    ['node', v.node ?? 'not recorded'],
    ['platform', v.platform ?? 'not recorded'],
    ['backend', `${doc.backend.name} (${doc.backend.device})`],
    ['date', doc.createdAt],
    ...(doc.seconds !== undefined ? [['wall time', `${doc.seconds.toFixed(1)} s`] as [string, string]] : []),
    ...(doc.schema ? [['results schema', doc.schema] as [string, string]] : []),
  ];
  return { id: 'provenance', heading: 'Provenance', facts };
}
