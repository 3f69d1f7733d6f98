/**
 * One self-contained HTML page: inline CSS, the charts' SVG inline, tables; no script, no link, no font or image from
 * anywhere, so it opens offline and nothing is fetched at view time. Every string from the input is escaped.
 * @module
 */
import { argError, checkObject, checkString } from '../check.js';

/** A table of a report. */
export interface HtmlTable {
  /** A line above it. */
  readonly caption?: string;
  /** The column heads. */
  readonly head: readonly string[];
  /** The rows, one cell per head (numbers, and figures written as text, are right-aligned). */
  readonly rows: readonly (readonly (string | number)[])[];
}

/** A section of a report: a heading, lines of text, charts, then tables. */
export interface HtmlSection {
  /** Its heading. */
  readonly heading: string;
  /** Lines of text under the heading. */
  readonly notes?: readonly string[];
  /** Its tables. */
  readonly tables?: readonly HtmlTable[];
  /** Its charts, SVG documents as the chart functions return them. */
  readonly charts?: readonly string[];
}

/** What {@link htmlReport} puts on the page. */
export interface HtmlReportInput {
  /** The page's title and first heading. */
  readonly title: string;
  /** Lines under the title. */
  readonly notes?: readonly string[];
  /** The sections, in order. */
  readonly sections: readonly HtmlSection[];
  /** Lay the sections side by side, a column each (runs to compare). Default false: one under the other. */
  readonly sideBySide?: boolean;
}

// Array.isArray would narrow a typed array parameter to any[].
const isArray = (value: unknown): boolean => Array.isArray(value);

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text as HTML shows it: `&`, `<`, `>` and quotes escaped (a comm of `<script>` stays text).
 * @param text - any text
 * @returns the escaped text
 * @throws {@link SchedacctError} `invalid-argument` for a non-string
 * @example
 * ```ts
 * escapeHtml('<b>&'); // '&lt;b&gt;&amp;'
 * ```
 */
export function escapeHtml(text: string): string {
  checkString('text', text);
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

// What an inline SVG must not hold: script, event handlers, embedded HTML, or anything fetched.
const UNSAFE_SVG =
  /<script|<foreignObject|\son\w+\s*=|(?:href|src)\s*=\s*["']?\s*(?!#)[a-z][\w+.-]*:|@import|url\(\s*["']?(?!#)/i;

function checkSvg(param: string, svg: unknown): asserts svg is string {
  checkString(param, svg);
  const start = svg.trimStart();
  if (!start.startsWith('<svg'))
    throw argError('invalid-argument', param, 'an SVG document (as the chart functions return)', svg);
  const unsafe = UNSAFE_SVG.exec(svg);
  if (unsafe !== null)
    throw argError('invalid-argument', param, 'an SVG without script, handlers or external references', unsafe[0]);
}

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; color: #222; margin: 24px auto; max-width: 1320px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
p.note { margin: 2px 0; color: #444; }
table { border-collapse: collapse; margin: 10px 0 14px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
th { background: #f4f4f4; } td.n { text-align: right; }
.side { display: grid; gap: 24px; } .side > section { min-width: 0; }
.wide { overflow-x: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); gap: 16px; }
figure.full { grid-column: 1 / -1; }
figure.chart { margin: 0; padding: 8px; border: 1px solid #e4e4e4; border-radius: 4px; background: white; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
`;

// A figure written as text (`12.345`, `0.98 ± 0.01`, `30.0 %`) aligns as a number.
const NUMERIC = /^[-+]?\d[\d.,]*(?: ± [\d.]+)?(?: ?%)?$/;

function tableHtml(t: HtmlTable, where: string): string {
  checkObject(where, t);
  const head = t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((row, r) => {
    if (row.length !== t.head.length)
      throw argError('invalid-argument', `${where}.rows[${String(r)}]`, `${String(t.head.length)} cells`, row);
    return `<tr>${row.map((c) => (typeof c === 'number' || NUMERIC.test(c) ? `<td class="n">${escapeHtml(String(c))}</td>` : `<td>${escapeHtml(c)}</td>`)).join('')}</tr>`;
  });
  const caption = t.caption === undefined ? '' : `<caption>${escapeHtml(t.caption)}</caption>`;
  return `<div class="wide"><table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

// A chart wider than a grid column (a timeline) takes the whole row; the others share rows, two by two.
const chartClass = (svg: string): string => {
  const width = Number(/<svg[^>]*?\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0);
  return width > 640 ? 'chart full' : 'chart';
};

function sectionHtml(s: HtmlSection, where: string): string {
  checkObject(where, s);
  checkString(`${where}.heading`, s.heading);
  const parts = [`<section>\n<h2>${escapeHtml(s.heading)}</h2>`];
  for (const n of s.notes ?? []) parts.push(`<p class="note">${escapeHtml(n)}</p>`);
  const charts = s.charts ?? [];
  charts.forEach((svg, i) => checkSvg(`${where}.charts[${String(i)}]`, svg));
  // Vega writes an XML declaration-free <svg> whose text it has escaped; inline as it is.
  if (charts.length > 0)
    parts.push(
      `<div class="charts">\n${charts.map((svg) => `<figure class="${chartClass(svg)}">${svg}</figure>`).join('\n')}\n</div>`,
    );
  // then the tables: a reader looks at the pictures first, then at the numbers under them
  for (const [i, t] of (s.tables ?? []).entries()) parts.push(tableHtml(t, `${where}.tables[${String(i)}]`));
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * One self-contained HTML page: the title, each section's notes, charts and tables, with inline CSS; no script and
 * nothing to fetch. Text is escaped; a chart must be an SVG without script or external references.
 * @param input - the title and sections, see {@link HtmlReportInput}
 * @returns the page's text
 * @throws {@link SchedacctError} `invalid-argument` for a title or heading that is not a string, a row with the wrong
 *   number of cells, or a chart that is not a safe SVG
 * @example
 * ```ts
 * const page = htmlReport({ title: 'run <1>', sections: [{ heading: 'Tasks', tables: [{ head: ['task', 'ms'], rows: [['app', 2]] }] }] });
 * page.includes('<h1>run &lt;1&gt;</h1>'); // true
 * ```
 */
export function htmlReport(input: HtmlReportInput): string {
  checkObject('input', input);
  checkString('input.title', input.title);
  if (!isArray(input.sections))
    throw argError('invalid-argument', 'input.sections', 'an array of sections', input.sections);
  const title = escapeHtml(input.title);
  const notes = (input.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`);
  const sections = input.sections.map((s, i) => sectionHtml(s, `input.sections[${String(i)}]`));
  const columns = `grid-template-columns: repeat(${String(Math.max(1, sections.length))}, minmax(0, 1fr))`;
  const body = input.sideBySide === true ? [`<div class="side" style="${columns}">`, ...sections, '</div>'] : sections;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // no network at view time: nothing may load from anywhere but this page
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${title}</h1>`,
    ...notes,
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
