/**
 * Figures of `--spectra-at` and `--pretrain`: JS⁰ along training per
 * optimizer, block spectra at the first and last point of each followed run
 * side by side, and block spectra at initialization beside those at the
 * pretrained point (with the JS⁰ and SGD–Adam gap numbers in the caption).
 * Kept apart from outputs.ts, which calls `trajectoryFigures` once per model.
 */
import { blockDensities, slqMeasures, type SlqResult } from '../analysis/index.js';
import {
  type BlockSpectrum, type DataTable, type ReportFigure, curvesSvg, lossCurvesSvg, renderSvg, seriesTable,
} from '../report/index.js';
import type { NeuralResult } from './types.js';

type Figure = ReportFigure & { data: DataTable };

const GRID = 2000;

/**
 * A panel of block densities on one common grid. Trained spectra can span
 * hundreds (a pretrained embedding's top eigenvalues), where σ² = 1e-5 falls
 * between grid points and no mass would be drawn: for the plot only, σ is
 * widened to 5 grid steps when it is narrower (`broadened`; JS⁰ is unaffected).
 */
function densities(slq: Record<string, SlqResult>, sigma2: number): { blocks: BlockSpectrum[]; broadened: number | null } {
  const nodes = Object.values(slq).flatMap((r) => r.probes.flatMap((p) => p.nodes));
  const span = Math.max(...nodes) - Math.min(...nodes);
  const wide = (5 * span / GRID) ** 2;
  const s2 = Math.max(sigma2, wide);
  const dens = blockDensities(slqMeasures(slq), { sigma2: s2, gridPoints: GRID });
  return { blocks: Object.entries(dens).map(([block, d]) => ({ block, grid: d.grid, values: d.values })), broadened: s2 > sigma2 ? s2 : null };
}

/** Panels from labelled SLQ results, and a caption sentence if any was broadened for plotting. */
function panelsOf(items: { label: string; slq: Record<string, SlqResult> }[], sigma2: number) {
  const made = items.map((it) => ({ label: it.label, ...densities(it.slq, sigma2) }));
  const wide = made.filter((m) => m.broadened !== null);
  const note = wide.length
    ? ` Drawn with σ² widened for plotting (${wide.map((m) => `${m.label}: ${m.broadened!.toPrecision(2)}`).join('; ')}; the measured σ² is ${sigma2}).`
    : '';
  return { panels: made.map((m) => ({ label: m.label, blocks: m.blocks })), note };
}

/**
 * Block spectra in panels side by side (one facet column per panel, each with
 * its own eigenvalue axis, since training moves the spectra's scale), log
 * density from 1e-10 as blockSpectraSvg draws it.
 */
async function sideBySideSvg(panels: { label: string; blocks: BlockSpectrum[] }[], title: string): Promise<string> {
  const floor = 1e-10;
  const values = panels.flatMap((p) => p.blocks.flatMap((b) => b.grid.map((t, i) => ({ panel: p.label, block: b.block, t, density: Math.max(b.values[i], floor) }))));
  return renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: panels.map((p) => p.label) } },
    spec: {
      width: 360, height: 280,
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'eigenvalue' },
        y: { field: 'density', type: 'quantitative', title: 'density', scale: { type: 'log', domainMin: floor } },
        color: { field: 'block', type: 'nominal', title: 'block', legend: { labelLimit: 400 } },
      },
    },
    resolve: { scale: { x: 'independent' } },
  });
}

const panelTable = (panels: { label: string; blocks: BlockSpectrum[] }[]): DataTable =>
  seriesTable(panels.flatMap((p) => p.blocks.map((b) => ({ name: `${p.label}: ${b.block}`, x: b.grid, y: b.values }))), ['block', 'eigenvalue', 'density']);

const fmt = (x: number | null, d = 4) => (x === null ? '—' : x.toFixed(d));

/** The figures of a model's trajectory and pretrained phase (none when it has neither). */
export async function trajectoryFigures(r: NeuralResult): Promise<Figure[]> {
  const figs: Figure[] = [];
  const sigma2 = r.settings.spectra.sigma2;
  const who = r.model;
  if (r.trajectory?.length) {
    const curves = r.trajectory.map((t) => {
      const pts = t.at.filter((a) => a.js0 !== null);
      return { name: `${t.optimizer} lr ${t.lr}${t.diverged ? ' (diverged)' : ''}`, x: pts.map((a) => a.step), y: pts.map((a) => a.js0!) };
    });
    figs.push({
      title: `${who}: JS⁰ along training`,
      svg: await curvesSvg(curves, { title: `${who} (${r.preset}, seed ${r.seed}): block heterogeneity JS⁰ along training`, xLabel: 'step', yLabel: 'JS⁰', logY: false }),
      caption: 'Block spectra measured on the fixed Hessian batch of the spectra at initialization, with the same SLQ settings and probes.',
      data: seriesTable(curves, ['run', 'step', 'js0']),
    });
    for (const t of r.trajectory) {
      if (t.at.length < 2) continue;
      const ends = [t.at[0], t.at[t.at.length - 1]];
      const { panels, note } = panelsOf(ends.map((a) => ({ label: `step ${a.step} (JS⁰ ${fmt(a.js0, 3)})`, slq: a.slq })), sigma2);
      figs.push({
        title: `${who}: block spectra along ${t.optimizer} training`,
        svg: await sideBySideSvg(panels, `${who}: ${t.optimizer} lr ${t.lr}, block spectra at step ${ends[0].step} and step ${ends[1].step}`),
        ...(note ? { caption: note.trim() } : {}),
        data: panelTable(panels),
      });
    }
  }
  const p = r.pretrained;
  if (p) {
    const { panels, note } = panelsOf([
      ...(r.spectra ? [{ label: `initialization (JS⁰ ${fmt(p.js0Init, 3)})`, slq: r.spectra.slq }] : []),
      ...(Object.keys(p.spectra.slq).length ? [{ label: `pretrained ${p.steps} steps (JS⁰ ${fmt(p.js0Pretrained, 3)})`, slq: p.spectra.slq }] : []),
    ], sigma2);
    const caption = `JS⁰ at initialization ${fmt(p.js0Init)}, pretrained ${fmt(p.js0Pretrained)}; SGD − Adam final loss from initialization ${fmt(p.gapInit)}, `
      + `fine-tuning from the pretrained point ${fmt(p.fineTuningGap)}. Both on ${p.fineTuneText}; pretrained: ${p.recipe}.`;
    if (panels.length) {
      figs.push({
        title: `${who}: block spectra at initialization and pretrained`,
        svg: await sideBySideSvg(panels, `${who}: block spectra, initialization and pretrained`), caption: caption + note, data: panelTable(panels),
      });
    }
    if (p.training) {
      const curves = p.training.runs.map((x) => ({ name: `${x.optimizer} lr ${x.lr}${x.diverged ? ' (diverged)' : ''}`, x: x.losses.map((_, i) => i), y: x.losses }));
      figs.push({
        title: `${who}: fine-tuning from the pretrained point`,
        svg: await lossCurvesSvg(curves, { title: `${who} (seed ${r.seed}): fine-tuning loss from the pretrained weights` }),
        caption,
        data: seriesTable(curves, ['run', 'step', 'loss']),
      });
    }
  }
  return figs;
}
