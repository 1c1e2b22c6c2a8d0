/** `report.html`: a self-contained page with the figures' SVGs inline, a summary table and prose. */

export interface ReportFigure {
  title: string;
  /** An SVG document (from figures.ts), embedded as is. */
  svg: string;
  caption?: string;
}

export interface ReportTable {
  columns: string[];
  rows: (string | number | null)[][];
  caption?: string;
}

export interface ReportInput {
  title: string;
  /** Prose; blank lines separate paragraphs. Plain text (escaped). */
  text: string;
  table?: ReportTable;
  figures: ReportFigure[];
  /** A footer line, e.g. the command, commit and date that produced the report. */
  footer?: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Numbers to 4 significant digits (integers in full); null as an em dash. */
export function formatCell(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return escapeHtml(v);
  if (Number.isInteger(v)) return String(v);
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

function table(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = t.rows.map((r) => {
    if (r.length !== t.columns.length) throw new Error(`reportHtml: a table row has ${r.length} cells for ${t.columns.length} columns`);
    return `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${formatCell(v)}</td>`).join('')}</tr>`;
  }).join('\n');
  const cap = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  return `<table>${cap}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

function figure(f: ReportFigure): string {
  if (!/^\s*<svg[\s>]/.test(f.svg)) throw new Error(`reportHtml: figure '${f.title}' is not an SVG document`);
  const cap = `<figcaption><b>${escapeHtml(f.title)}</b>${f.caption ? ` — ${escapeHtml(f.caption)}` : ''}</figcaption>`;
  return `<figure>\n${f.svg.trim()}\n${cap}\n</figure>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-style:italic;padding:.3em 0}figure{margin:2em 0}figcaption{font-size:.9em;color:#444}svg{max-width:100%;height:auto}
footer{margin-top:3em;font-size:.8em;color:#777}`;

/** The whole page as a string. */
export function reportHtml(r: ReportInput): string {
  const paras = r.text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(r.title)}</h1>
${paras}
${r.table ? table(r.table) : ''}
${r.figures.map(figure).join('\n')}
${r.footer ? `<footer>${escapeHtml(r.footer)}</footer>` : ''}
</body></html>
`;
}
