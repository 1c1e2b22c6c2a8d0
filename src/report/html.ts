/**
 * `report.html`: a self-contained page with the figures' SVGs inline, tables
 * and prose, optionally in sections (with a contents list). Figures are
 * numbered through the page in order, in the sections first and then any
 * top-level ones, and each needs a caption or a title that serves as one.
 */

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
  /** Folded under a <details> summary line (long tables: every run of every model). */
  collapsed?: string;
}

/** A section of the page: a heading, then its notes, prose, facts, tables and figures in that order. */
export interface ReportSection {
  /** The anchor (`#id`); letters, digits and dashes. */
  id: string;
  heading: string;
  text?: string;
  /** Highlighted lines; 'warning' ones are drawn as alerts (failures). */
  notes?: { kind: 'warning' | 'info'; text: string }[];
  /** Label–value pairs (provenance), as a definition list. */
  facts?: [string, string][];
  tables?: ReportTable[];
  figures?: ReportFigure[];
}

export interface ReportInput {
  title: string;
  /** Prose; blank lines separate paragraphs. Plain text (escaped). */
  text: string;
  table?: ReportTable;
  figures: ReportFigure[];
  sections?: ReportSection[];
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
  const html = `<table>${cap}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
  return t.collapsed ? `<details><summary>${escapeHtml(t.collapsed)}</summary>\n${html}\n</details>` : html;
}

function figure(f: ReportFigure, n: number): string {
  if (!/^\s*<svg[\s>]/.test(f.svg)) throw new Error(`reportHtml: figure '${f.title}' is not an SVG document`);
  const cap = `<figcaption><b>Figure ${n}. ${escapeHtml(f.title)}</b>${f.caption ? ` — ${escapeHtml(f.caption)}` : ''}</figcaption>`;
  return `<figure id="figure-${n}">\n${f.svg.trim()}\n${cap}\n</figure>`;
}

const paragraphs = (text: string) =>
  text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean).map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');

function section(s: ReportSection, fig: (f: ReportFigure) => string): string {
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(s.id)) throw new Error(`reportHtml: section id '${s.id}' must be letters, digits and dashes`);
  const notes = (s.notes ?? []).map((x) => `<p class="${x.kind}"${x.kind === 'warning' ? ' role="alert"' : ''}>${escapeHtml(x.text)}</p>`);
  const facts = s.facts?.length
    ? `<dl>${s.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>` : '';
  return [`<section id="${s.id}">`, `<h2>${escapeHtml(s.heading)}</h2>`, ...notes, paragraphs(s.text ?? ''), facts,
    ...(s.tables ?? []).map(table), ...(s.figures ?? []).map(fig), '</section>'].filter(Boolean).join('\n');
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-style:italic;padding:.3em 0}figure{margin:2em 0}figcaption{font-size:.9em;color:#444}svg{max-width:100%;height:auto}
footer{margin-top:3em;font-size:.8em;color:#777}
.warning{background:#fdecea;border-left:4px solid #c62828;padding:.5em .8em;color:#7f1d1d}.info{background:#eef4fb;border-left:4px solid #4a7ab5;padding:.5em .8em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:600}dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}
nav ol{columns:2}section{margin-top:2.5em}details{margin:1em 0}summary{cursor:pointer}`;

/** The whole page as a string. */
export function reportHtml(r: ReportInput): string {
  const sections = r.sections ?? [];
  const ids = sections.map((s) => s.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`reportHtml: two sections have the id '${dup}'`);
  let n = 0;
  const fig = (f: ReportFigure) => figure(f, ++n);
  const body = sections.map((s) => section(s, fig)); // numbers the sections' figures first, in page order
  const nav = sections.length > 1
    ? `<nav><ol>${sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.heading)}</a></li>`).join('')}</ol></nav>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(r.title)}</h1>
${paragraphs(r.text)}
${r.table ? table(r.table) : ''}
${nav}
${body.join('\n')}
${r.figures.map(fig).join('\n')}
${r.footer ? `<footer>${escapeHtml(r.footer)}</footer>` : ''}
</body></html>
`;
}
