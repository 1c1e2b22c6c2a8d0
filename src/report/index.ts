/** Figures (SVG via vega-lite, with PNG and CSV exports), the HTML report, atomic result files, and progress display. */
export {
  renderSvg, blockSpectraSvg, heatmapSvg, curvesSvg, lossCurvesSvg, gradNormSvg, js0ScatterSvg, sweepSvg, type SweepPoint,
  type FigureOptions, type BlockSpectrum, type Curve, type GapPoint,
} from './figures.js';
export {
  reportHtml, escapeHtml, formatCell, type ReportInput, type ReportFigure, type ReportTable, type ReportSection,
} from './html.js';
export { panelBlocks, blockSpectraPanelsSvg, smoothedPanelsSvg, MAX_PER_PANEL, type Panel, type PanelOptions, type SmoothedCurve } from './panels.js';
export { ema, defaultSpan } from './smooth.js';
export { writeJsonAtomic, writeJsonAtomicSync, writeTextAtomic, writeBytesAtomic, readJsonIfExists, type JsonWriteOptions } from './files.js';
export { createProgress, formatDuration, type Progress, type ProgressOptions } from './progress.js';
export { markdownTable } from './markdown.js';
export { toCsv, seriesTable, spectraTable, matrixTable, type DataTable } from './csv.js';
export { rasterizeSvg, svgToPng, type PngOptions } from './png.js';
export {
  FIGURE_FORMATS, DEFAULT_FIGURE_FORMATS, parseFigureFormats, writeFigureFiles, type FigureFormat, type FigureData,
} from './exports.js';
