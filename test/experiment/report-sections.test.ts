/**
 * The report's tables from results.json: quadratics apart with their own
 * units, every run's held-out numbers, settings and overrides, failures,
 * provenance with or without a commit, the convention table only where
 * measured, λ_max normalization, and the git commit recorded at run time.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { slqMeasure } from '../../src/analysis/index.js';
import { gitCommit } from '../../src/experiment/provenance.js';
import { normalizedDensities, sharedJsMax } from '../../src/experiment/report-figures.js';
import {
  conventionsTable, failuresSection, lrChoiceTable, provenanceSection, runsTable, settingsSection, summaryTables,
} from '../../src/experiment/report-sections.js';
import type { SummaryRow } from '../../src/experiment/summary.js';
import type { NeuralResult } from '../../src/experiment/types.js';
import { FAILURE, reportDoc } from '../helpers/report-doc.js';

const agg = (mean: number) => ({ mean, interval: null, method: null, perSeed: [mean] });

describe('report tables', () => {
  const doc = reportDoc();
  const gpt = doc.models[0] as NeuralResult;

  it('puts quadratic rows in their own table, in ‖∇f‖ and decades', () => {
    const quad: SummaryRow = {
      model: 'quadratic case 1', preset: 'tiny', seeds: [0], js0: agg(0.83), sgdLoss: agg(17.2), adamLoss: agg(0.002),
      sgdLr: [3.8e-4], adamLr: [0.3], gap: agg(3.93), gapKind: 'log10 grad-norm ratio', gaps: {},
    };
    const [neural, q] = summaryTables([...doc.summary, quad]);
    expect(neural.rows.map((r) => r[0])).toEqual(['gpt', 'vgg']);
    expect(q.rows).toEqual([['quadratic case 1', 1, '0.830', '17.200', '0.00038', '0.002', '0.3', '3.9']]);
    expect(q.columns.join(' ')).toContain('decades of ‖∇f‖');
    expect(summaryTables(doc.summary)).toHaveLength(1);
  });

  it('lists every run with held-out loss and accuracy, the best marked and the divergence named', () => {
    const t = runsTable(doc.models)!;
    expect(t.rows).toHaveLength(12);
    const col = (name: string) => t.columns.indexOf(name);
    const run = gpt.training!.runs.find((r) => r.optimizer === 'adam' && r.lr === gpt.training!.best.adam!.lr)!;
    const row = t.rows.find((r) => r[0] === 'gpt' && r[2] === 'adam' && r[3] === run.lr)!;
    expect(row[col('held-out loss')]).toBe(run.heldOutLoss);
    expect(row[col('held-out accuracy (%)')]).toBeCloseTo(100 * run.heldOutAccuracy!, 12);
    expect(row[col('best')]).toBe('★');
    expect(t.rows.filter((r) => r[0] === 'gpt' && r[col('best')] === '★')).toHaveLength(2);
    expect(t.rows.find((r) => r[0] === 'gpt' && r[3] === 0.3)![col('diverged at')]).toBe('step 20 (loss NaN)');
  });

  it('says how each learning rate was chosen: a grid (extended, still at an end) or another seed\'s best', () => {
    const [g0, vgg] = doc.models as NeuralResult[];
    const t0 = g0.training!;
    const seed0 = { ...g0, training: { ...t0, grids: { sgd: { extended: [{ lr: 0.9, direction: 'up' as const }], atEdge: true }, adam: { extended: [], atEdge: false } } } };
    const lrs = { sgd: t0.best.sgd!.lr, adam: t0.best.adam!.lr };
    const seed1 = {
      ...g0, seed: 1,
      training: { ...t0, runs: t0.runs.filter((r) => r.lr === lrs[r.optimizer as 'sgd' | 'adam']), grids: {}, lrsFrom: { seed: 0, lrs } },
    };
    const t = lrChoiceTable([seed0, seed1, vgg])!;
    const row = (seed: number, o: string) => t.rows.find((r) => r[0] === 'gpt' && r[1] === seed && r[2] === o)!;
    expect(row(0, 'sgd')[5]).toBe('grid search; extended up to 0.9; best still at an end of the grid');
    expect(row(0, 'sgd')[3]).toBe('0.03, 0.1, 0.3');
    expect(row(0, 'adam')[5]).toBe('grid search');
    expect(row(1, 'sgd')[5]).toBe("seed 0's best (--tune-lrs first)");
    expect(row(1, 'sgd')[3]).toBe(String(lrs.sgd));
    expect(row(1, 'adam')[4]).toBe(lrs.adam);
    expect(t.rows).toHaveLength(6);
  });

  it('shows every setting each model used, the overrides and the options', () => {
    const s = settingsSection(doc);
    const [options, overrides, perModel] = s.tables!;
    expect(options.rows).toContainEqual(['models', 'gpt, vgg, bert']);
    expect(overrides.rows).toEqual([['probes', '2']]);
    expect(perModel.columns).toEqual(['setting', 'gpt', 'vgg']);
    const value = (k: string) => perModel.rows.find((r) => r[0] === k)?.[1];
    for (const [k, v] of Object.entries(gpt.settings.spectra)) expect(value(`spectra.${k}`)).toBe(String(v));
    for (const [k, v] of Object.entries(gpt.settings.train)) expect(value(`train.${k}`)).toBe(Array.isArray(v) ? v.join(', ') : String(v));
    expect(value('optimizers')).toBe('sgd, adam');
    expect(value('train.sgdMomentum')).toBe('0.9');
    expect(value('spectra.reorth')).toBe('full');
  });

  it('shows failures with their message, and provenance with or without a commit', () => {
    expect(failuresSection([])).toBeNull();
    expect(failuresSection(doc.failures!)!.tables![0].rows).toEqual([[FAILURE.model, FAILURE.seed, FAILURE.error]]);
    const facts = new Map(provenanceSection(doc).facts);
    expect(facts.get('git commit')).toBe(doc.versions!.commit);
    expect(facts.get('command')).toBe(doc.command);
    expect(facts.get('backend')).toBe('cpu (CPU (test))');
    expect(facts.get('date')).toBe(doc.createdAt);
    const old = new Map(provenanceSection({ ...doc, versions: undefined }).facts);
    expect(old.get('git commit')).toBe('not recorded in results.json');
  });

  it('renders per-convention scores where a run has them and nothing where none does', () => {
    const a = gpt.spectra!.analysis!;
    const rows = conventionsTable(doc.models)!.rows.filter((r) => r[0] === 'gpt');
    expect(rows).toHaveLength(Object.keys(a.conventions).length);
    const headline = rows.find((r) => String(r[2]).endsWith('(headline)'))!;
    expect(headline[3]).toBe(a.conventions[a.convention].js0);
    expect(headline[4]).not.toBe('—');
    expect(rows.filter((r) => r[4] !== '—')).toHaveLength(1);
    const none = doc.models.map((m) => (m.kind === 'neural' && m.spectra ? { ...m, spectra: { ...m.spectra, analysis: null } } : m));
    expect(conventionsTable(none)).toBeNull();
  });
});

describe('report figures data', () => {
  const doc = reportDoc();
  const gpt = doc.models[0] as NeuralResult;

  it('normalizes each block by its largest node averaged over probes, leaving out a block with none > 0', () => {
    const n = normalizedDensities(gpt.spectra!);
    expect(n.skipped.map((s) => s.split(' ')[0])).toEqual(['ln_f']);
    expect(n.blocks.map((b) => b.block)).toEqual(Object.keys(gpt.spectra!.slq).filter((b) => b !== 'ln_f'));
    const wte = gpt.spectra!.slq.wte;
    const lmax = wte.probes.reduce((s, p) => s + p.nodes[p.nodes.length - 1], 0) / wte.probes.length;
    expect(n.scale.wte).toBeCloseTo(lmax, 14);
    expect(n.scale.wte).toBe(slqMeasure(wte, { kthLargest: 1 }).scale);
    // On the normalized axis every block's mass lies at or below about 1 (its largest node over the probe mean).
    for (const b of n.blocks) {
      const peak = b.grid[b.values.indexOf(Math.max(...b.values))];
      expect(peak).toBeLessThan(1.5);
    }
  });

  it('takes the shared heatmap scale from the largest distance of any model', () => {
    const max = Math.max(...doc.models.flatMap((m) => (m as NeuralResult).spectra!.js!.matrix.flat()));
    expect(sharedJsMax(doc.models as NeuralResult[])).toBe(max);
    expect(sharedJsMax([doc.models[1] as NeuralResult])).toBeLessThan(0.1 * max); // VGG-like alone would look as hot as GPT
  });

  it('records the checkout\'s git commit, or says why there is none', () => {
    let head: string | null = null;
    try {
      head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch { /* no git here: gitCommit must say so */ }
    const c = gitCommit();
    if (head) expect(c.startsWith(head)).toBe(true);
    else expect(c).toMatch(/^unknown \(/);
  });
});
