// The code trace and code strip as SVG and HTML (classes only; colours from the theme in styles.css).
// Hand-written SVG: eight small step-line panels and a 6×steps op grid are a few hundred elements,
// and one SVG per figure is what the PNG/SVG export writes.
import { NB201_OPS } from '../../../server/src/core/space/nb201';
import type { TraceStep } from '../../../server/src/core/propagate/types';
import { el, svg } from '../common/dom';
import { CODE_LAYOUT } from '../../../server/src/core/space/multires';
import { CODE_PANELS, codePanels, edgeGrid, OP_SHORT, PANEL_SIZE, panelKeys, panelLayout, stripHeader, type PanelSize, type StripRow } from './model';

export interface CodeTraceView {
  figure: HTMLElement;
  /** The <svg> the export buttons write. */
  chart: SVGSVGElement;
  /** Marks a step in every panel (undefined: none). */
  setCursor(step: number | undefined): void;
}

/** The eight panels in as many columns as `available` pixels hold, each drawn 1:1 with its own key. */
function multiresFigure(steps: readonly TraceStep[], available: number): CodeTraceView {
  const layout = panelLayout(available);
  const base: PanelSize = { ...PANEL_SIZE, width: layout.width };
  const keyTop = base.height - base.margin.bottom + 30;
  const keyed = CODE_PANELS.map((p) => panelKeys(p.dims, base.margin.left - 26, layout.width - base.margin.right, keyTop));
  const keyRows = Math.max(...keyed.map((k) => k.rows));
  const size: PanelSize = { ...base, height: keyTop + (keyRows - 1) * 14 + 8 };
  // the plot keeps its height; the panel grows by its keys
  const panels = codePanels(steps, { ...size, margin: { ...size.margin, bottom: size.height - (base.height - base.margin.bottom) } });
  const rows = Math.ceil(panels.length / layout.columns);
  const W = size.width * layout.columns;
  const H = size.height * rows;
  const root = svg('svg', {
    class: 'code-trace',
    viewBox: `0 0 ${W} ${H}`,
    width: W,
    height: H,
    role: 'img',
    'aria-label': `Code trace: the 27 code positions in ${panels.length} panels over ${steps[steps.length - 1]?.step ?? 0} steps. ` + panels.map((p) => p.description).join(' '),
  }) as SVGSVGElement;
  const cursors: SVGElement[] = [];
  panels.forEach((p, i) => {
    const ox = (i % layout.columns) * size.width;
    const oy = Math.floor(i / layout.columns) * size.height;
    const g = svg('g', { class: 'code-panel', transform: `translate(${ox} ${oy})`, 'data-panel': i });
    g.append(svg('title', {}, p.description));
    g.append(svg('text', { class: 'panel-title', x: p.left - 26, y: 13 }, p.title));
    for (const t of p.yTicks) {
      g.append(svg('line', { class: 'grid', x1: p.left, x2: p.right, y1: t.at.toFixed(1), y2: t.at.toFixed(1) }));
      g.append(svg('text', { class: 'tick y', x: p.left - 4, y: t.at.toFixed(1), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, t.label));
    }
    for (const t of p.xTicks) g.append(svg('text', { class: 'tick x', x: t.at.toFixed(1), y: p.bottom + 13, 'text-anchor': 'middle' }, t.label));
    g.append(svg('rect', { class: 'frame', x: p.left, y: p.top, width: p.right - p.left, height: p.bottom - p.top }));
    for (const l of p.lines) {
      const lg = svg('g', { class: `dim s${l.slot}`, 'data-dim': l.dim });
      if (l.continuous) lg.append(svg('path', { class: 'continuous', d: l.continuous }));
      lg.append(svg('path', { class: 'rounded', d: l.rounded }));
      for (const m of l.moves) {
        lg.append(svg('circle', { class: 'move', cx: m.x.toFixed(1), cy: m.y.toFixed(1), r: 3.2 }, svg('title', {}, `step ${m.step}: ${l.name} ${m.from} → ${m.to}`)));
      }
      g.append(lg);
    }
    // The key: which line is which position (full name on hover).
    for (const k of keyed[i].keys) {
      g.append(
        svg('g', { class: `key s${k.slot}`, 'data-dim': k.dim },
          svg('title', {}, CODE_LAYOUT[k.dim]),
          svg('line', { class: 'rounded', x1: k.x, x2: k.x + 14, y1: k.y - 4, y2: k.y - 4 }),
          svg('text', { class: 'key-label', x: k.x + 18, y: k.y }, k.label)),
      );
    }
    const cursor = svg('line', { class: 'cursor hidden', x1: 0, x2: 0, y1: p.top, y2: p.bottom });
    cursors.push(cursor);
    g.append(cursor);
    root.append(g);
  });
  const note = el('p', { class: 'muted small' }, 'Each panel: its positions over the steps. Solid: rounded value; dashed: continuous value (continuous strategy); dots: the position winner-takes-all moved.');
  const figure = el('figure', { class: 'code-trace-box' }, el('div', { class: 'chart-wrap scroll-x' }, root as unknown as Node), note);
  const setCursor = (step: number | undefined) => {
    panels.forEach((p, i) => {
      const c = cursors[i];
      if (step === undefined) return c.classList.add('hidden');
      const x = p.xOf(step).toFixed(1);
      c.setAttribute('x1', x);
      c.setAttribute('x2', x);
      c.classList.remove('hidden');
    });
  };
  return { figure, chart: root, setCursor };
}

function nb201Figure(steps: readonly TraceStep[], available: number): CodeTraceView {
  const grid = edgeGrid(steps);
  const left = 84;
  const top = 8;
  const n = Math.max(1, grid.steps.length);
  const cw = Math.max(6, Math.min(30, Math.floor((Math.min(available, 972) - left - 8) / n)));
  const ch = 22;
  const W = left + n * cw + 8;
  const H = top + grid.edges.length * ch + 22;
  // Drawn at its own size: a short run scaled to the page width would blow its labels up.
  const root = svg('svg', { class: 'edge-grid', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': grid.description }) as SVGSVGElement;
  grid.edges.forEach((name, e) => {
    const y = top + e * ch;
    root.append(svg('text', { class: 'tick y', x: left - 6, y: y + ch / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, name));
    grid.cells[e].forEach((c, i) => {
      const x = left + i * cw;
      const label = `step ${grid.steps[i]}, edge ${name.slice(5)}: ${NB201_OPS[c.op]}${c.weight !== undefined ? ` (weight ${c.weight.toFixed(2)})` : ''}${c.moved ? ' (switched)' : ''}`;
      const g = svg('g', { class: `op op-${c.op}${c.moved ? ' moved' : ''}` });
      g.append(svg('rect', { x, y: y + 1, width: cw - 1, height: ch - 2 }, svg('title', {}, label)));
      if (cw >= 24) g.append(svg('text', { x: x + (cw - 1) / 2, y: y + ch / 2, 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, OP_SHORT[c.op]));
      root.append(g);
    });
  });
  const every = Math.max(1, Math.ceil(n / 12));
  grid.steps.forEach((s, i) => {
    if (i % every === 0) root.append(svg('text', { class: 'tick x', x: left + i * cw + cw / 2, y: H - 6, 'text-anchor': 'middle' }, String(s)));
  });
  const cursor = svg('rect', { class: 'cursor-cell hidden', x: 0, y: top, width: cw, height: grid.edges.length * ch });
  root.append(cursor);
  const legend = el('ul', { class: 'legend op-legend', 'aria-label': 'Ops' }, ...NB201_OPS.map((op, k) => el('li', {}, el('span', { class: `op-swatch op-${k}` }), `${OP_SHORT[k]}: ${op}`)), el('li', {}, el('span', { class: 'op-swatch moved-swatch' }), 'edge switched at this step'));
  const figure = el('figure', { class: 'code-trace-box' }, el('div', { class: 'chart-wrap scroll-x' }, root as unknown as Node), legend);
  return {
    figure,
    chart: root,
    setCursor(step) {
      const i = step === undefined ? -1 : grid.steps.indexOf(step);
      if (i < 0) return cursor.classList.add('hidden');
      cursor.setAttribute('x', String(left + i * cw - 1));
      cursor.classList.remove('hidden');
    },
  };
}

/** `available`: the width the figure may take, in CSS pixels (the panels are laid out for it). */
export function renderCodeTrace(space: 'multires' | 'nb201', steps: readonly TraceStep[], available = PANEL_SIZE.width * 4): CodeTraceView {
  return space === 'multires' ? multiresFigure(steps, available) : nb201Figure(steps, available);
}

/**
 * Rows of coloured cells carrying the numbers; cells that differ from the first row are marked.
 * With `space`, a header names the groups (stem, stages, head) and each position; the row labels
 * stay in view while the strip scrolls sideways (its box scrolls, with a scrollbar).
 */
export function renderStrip(rows: readonly StripRow[], caption = 'Code strip', space?: 'multires' | 'nb201'): HTMLTableElement {
  const table = el('table', { class: 'strip', 'aria-label': caption });
  if (space) {
    const h = stripHeader(space);
    table.append(
      el(
        'thead',
        {},
        el('tr', { class: 'groups' }, el('th', { scope: 'col', class: 'corner' }, ''), ...h.groups.map((g) => el('th', { scope: 'colgroup', colspan: g.span }, g.label))),
        el('tr', { class: 'names' }, el('th', { scope: 'col', class: 'corner' }, ''), ...h.names.map((n) => el('th', { scope: 'col', title: n.full }, n.short))),
      ),
    );
  }
  const body = el('tbody');
  for (const r of rows) {
    body.append(
      el(
        'tr',
        {},
        el('th', { scope: 'row' }, r.label),
        ...r.cells.map((c) => el('td', { class: `${c.op ? `opcell op-${c.level}` : `lvl-${c.level}`}${c.changed ? ' changed' : ''}`, title: c.name, 'aria-label': `${c.name}${c.changed ? ' (changed)' : ''}` }, c.text)),
      ),
    );
  }
  table.append(body);
  return table;
}
