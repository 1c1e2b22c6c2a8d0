/** Figures (SVG via vega-lite), the HTML report, atomic result files, and progress display. */
export {
  renderSvg, blockSpectraSvg, heatmapSvg, curvesSvg, lossCurvesSvg, gradNormSvg, js0ScatterSvg,
  type FigureOptions, type BlockSpectrum, type Curve, type GapPoint,
} from './figures.js';
export { reportHtml, escapeHtml, formatCell, type ReportInput, type ReportFigure, type ReportTable } from './html.js';
export { writeJsonAtomic, writeJsonAtomicSync, writeTextAtomic, readJsonIfExists, type JsonWriteOptions } from './files.js';
export { createProgress, formatDuration, type Progress, type ProgressOptions } from './progress.js';
export { markdownTable } from './markdown.js';
