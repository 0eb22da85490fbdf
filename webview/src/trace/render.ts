// Turns the pure model (model.ts) into DOM and SVG. No inline styles or scripts: classes only,
// coloured by the theme's --vscode-* variables in styles.css; positions set through the CSSOM.
import type { TracePayload, WebviewMessage } from '../protocol';
import {
  chartDescription,
  chartGeometry,
  nearestIndex,
  pointDetails,
  summarize,
  tableColumns,
  tableRows,
  movedText,
  DEFAULT_SIZE,
  type Chart,
  type Plot,
  type Summary,
} from './model';
import { RUN_TRACES_LIMIT, type PropagationResult, type TraceStep } from '../../../server/src/core/propagate/types';
import { button, codeEl, el, svg } from '../common/dom';
import { exportButtons } from '../common/chartActions';
import type { CursorNetwork } from '../messages';
import { renderCodeTrace, renderStrip } from '../codeTrace/render';
import { runSteps, stripRow, type StripRow } from '../codeTrace/model';
import { allSteps, fileName, stepName, traceCsv, traceJson } from './exportTrace';
import { runsBadge, stepsBadge } from './wording';

export interface View {
  /** Highlights one trace step (index into every run's steps) in the chart and the table (undefined: none). */
  highlight(index: number | undefined, from?: 'chart' | 'table'): void;
  /** Shows the network under the editor cursor as a strip row (null: none). */
  setCursorNetwork(n: CursorNetwork | null): void;
}

export function renderEmpty(root: HTMLElement, message = 'Run a propagation first: the "Show trace" code lens appears above a propagate block after it runs.'): void {
  root.replaceChildren(
    el('div', { class: 'empty', role: 'status' }, el('h1', {}, 'No propagation trace'), el('p', {}, message)),
  );
}

export function showError(root: HTMLElement, message: string): void {
  root.querySelector('.error')?.remove();
  root.prepend(el('div', { class: 'error', role: 'alert' }, `Ignored a malformed trace message: ${message}`));
}

function change(direction: -1 | 0 | 1, text: string): HTMLElement {
  return el('span', { class: `delta ${direction > 0 ? 'up' : direction < 0 ? 'down' : 'same'}` }, text);
}

function header(s: Summary, name: string | undefined, file: string | undefined): HTMLElement {
  const badges = el(
    'div',
    { class: 'badges' },
    el('vscode-badge', { variant: 'counter', 'aria-label': `strategy ${s.strategy}` }, s.strategy),
    el('vscode-badge', { variant: 'counter' }, s.space === 'multires' ? 'network' : 'NAS-Bench-201 cell'),
    el('vscode-badge', { variant: 'counter' }, runsBadge(s)),
    el('vscode-badge', { variant: 'counter' }, stepsBadge(s)),
    el('vscode-badge', { variant: 'counter', class: s.feasible ? 'ok' : 'bad' }, s.feasible ? 'within budget' : 'over budget'),
  );
  const codes = el(
    'dl',
    { class: 'codes' },
    el('dt', {}, 'Start'),
    el('dd', {}, codeEl(s.startCode, { class: 'code start' })),
    ...(s.runStartCode
      ? [el('dt', {}, `Run ${s.bestRestart} start`), el('dd', {}, codeEl(s.runStartCode, { class: 'code run-start' }), el('span', { class: 'muted' }, ' (perturbed; step 0)'))]
      : []),
    el('dt', {}, 'Result'),
    el('dd', {}, codeEl(s.resultCode, { class: 'code result' }), s.unchanged ? el('span', { class: 'muted' }, ' (unchanged)') : ''),
  );
  const rows: HTMLElement[] = [
    el('tr', {}, el('th', { scope: 'row' }, 'Objective'), el('td', {}, s.objective.start), el('td', {}, s.objective.result), el('td', {}, change(s.objective.direction, s.objective.delta))),
    ...s.terms.map((t) => el('tr', {}, el('th', { scope: 'row' }, t.label), el('td', {}, t.start), el('td', {}, t.result), el('td', {}, change(t.direction, t.delta)))),
  ];
  // Cost: smaller is cheaper, so its colour is the opposite of the sign.
  if (s.flops) rows.push(el('tr', {}, el('th', { scope: 'row' }, 'FLOPs G'), el('td', {}, s.flops.start), el('td', {}, s.flops.result), el('td', {}, el('span', { class: 'delta cost' }, `${s.flops.delta} (${s.flops.percent})`))));
  if (s.params) rows.push(el('tr', {}, el('th', { scope: 'row' }, 'Params M'), el('td', {}, s.params.start), el('td', {}, s.params.result), el('td', {}, el('span', { class: 'delta cost' }, `${s.params.delta} (${s.params.percent})`))));
  const changes = el(
    'table',
    { class: 'changes', 'aria-label': 'Predicted change and cost change' },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, 'Start'), el('th', { scope: 'col' }, 'Result'), el('th', { scope: 'col' }, 'Change'))),
    el('tbody', {}, ...rows),
  );
  const title = el('h1', {}, 'Propagation trace', name ? el('span', { class: 'name' }, ` — ${name}`) : '');
  const parts: (Node | string)[] = [title];
  if (file) parts.push(el('p', { class: 'muted file', id: 'trace-file' }, `in ${file}`));
  parts.push(badges, codes, changes);
  if (s.budget) parts.push(el('p', { class: 'muted budget' }, `Budget: ${s.budget}`));
  if (s.notes.length) parts.push(el('ul', { class: 'notes', 'aria-label': 'Notes' }, ...s.notes.map((n) => el('li', {}, n))));
  return el('header', {}, ...parts);
}

function axes(chart: Chart, plot: Plot, group: SVGElement, showX: boolean): void {
  const bottom = plot.top + plot.height;
  for (const t of plot.yTicks) {
    group.append(svg('line', { class: 'grid', x1: chart.left, x2: chart.right, y1: t.at, y2: t.at }));
    group.append(svg('text', { class: 'tick y', x: chart.left - 6, y: t.at, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, t.label));
  }
  for (const t of chart.xTicks) {
    group.append(svg('line', { class: 'grid x', x1: t.at, x2: t.at, y1: plot.top, y2: bottom }));
    if (showX) group.append(svg('text', { class: 'tick x', x: t.at, y: bottom + 16, 'text-anchor': 'middle' }, t.label));
  }
  group.append(svg('rect', { class: 'frame', x: chart.left, y: plot.top, width: chart.right - chart.left, height: plot.height }));
  group.append(svg('text', { class: 'axis-label', x: 12, y: plot.top + plot.height / 2, transform: `rotate(-90 12 ${plot.top + plot.height / 2})`, 'text-anchor': 'middle' }, plot.label));
}

function series(plot: Plot, group: SVGElement, kind: 'objective' | 'flops'): void {
  for (const s of plot.series) {
    const cls = `${kind} run ${s.best ? 'best' : 'other'}`;
    const g = svg('g', { class: cls, 'data-restart': s.restart });
    if (s.path) g.append(svg('path', { class: 'line', d: s.path }));
    for (const p of s.points) {
      const circle = g.appendChild(
        svg('circle', {
          class: `pt${p.feasible ? '' : ' infeasible'}${s.summaryOnly ? ' summary' : ''}`,
          cx: p.x.toFixed(1),
          cy: p.y.toFixed(1),
          r: s.summaryOnly ? 4.5 : s.best ? 3 : 2.2,
          'data-index': p.index,
        }),
      );
      // Runs known only by their summary get a native tooltip (the hover card follows trace steps).
      if (s.summaryOnly) circle.append(svg('title', {}, `run ${s.restart}: final objective ${p.value.toFixed(3)} after ${p.step} steps`));
    }
    group.append(g);
  }
}

function legend(r: PropagationResult, chart: Chart, hasBudget: boolean): HTMLElement {
  const items: HTMLElement[] = [el('li', {}, el('span', { class: 'swatch best' }), `best run (${r.bestRestart})`)];
  if (chart.objective.series.some((s) => !s.best && !s.summaryOnly)) items.push(el('li', {}, el('span', { class: 'swatch other' }), 'other runs'));
  if (chart.objective.series.some((s) => s.summaryOnly)) items.push(el('li', {}, el('span', { class: 'swatch summary' }), 'other runs (final value only)'));
  if (chart.flops) items.push(el('li', {}, el('span', { class: 'swatch flops' }), 'exact FLOPs'));
  if (hasBudget) items.push(el('li', {}, el('span', { class: 'swatch budget' }), 'budget'));
  if (r.trace.some((t) => !t.feasible)) items.push(el('li', {}, el('span', { class: 'swatch infeasible' }), 'over budget'));
  return el('ul', { class: 'legend', 'aria-label': 'Legend' }, ...items);
}

/**
 * Chart width for a container: drawn 1:1 so text keeps the editor's size at any panel width — down
 * to the ~290 px a side panel has in a 1,000-px window (a narrower chart would be scaled down).
 */
export function chartWidth(containerWidth: number): number {
  return Math.round(Math.max(240, Math.min(1100, containerWidth || DEFAULT_SIZE.width)));
}

function chartFigure(r: PropagationResult, shown: PropagationResult, payload: TracePayload, width: number): { figure: HTMLElement; chart: Chart; svgEl: SVGElement; cursor: SVGElement; tip: HTMLElement } {
  const chart = chartGeometry(shown, payload.budget, { ...DEFAULT_SIZE, width });
  const root = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${chart.width} ${chart.height}`,
    role: 'img',
    'aria-label': chartDescription(r, payload.budget),
    preserveAspectRatio: 'xMinYMin meet',
  });
  const objective = svg('g', { class: 'plot objective-plot' });
  axes(chart, chart.objective, objective, !chart.flops);
  series(chart.objective, objective, 'objective');
  root.append(objective);
  if (chart.flops) {
    const f = chart.flops;
    const g = svg('g', { class: 'plot flops-plot' });
    axes(chart, f, g, true);
    if (f.budgetY !== undefined) {
      g.append(svg('line', { class: 'budget', x1: chart.left, x2: chart.right, y1: f.budgetY, y2: f.budgetY }));
      g.append(svg('text', { class: 'budget-label', x: chart.right - 4, y: f.budgetY - 4, 'text-anchor': 'end' }, f.budgetLabel ?? 'budget'));
    }
    series(f, g, 'flops');
    root.append(g);
  }
  root.append(svg('text', { class: 'axis-label', x: (chart.left + chart.right) / 2, y: chart.height - 2, 'text-anchor': 'middle' }, 'step'));
  const cursor = svg('line', { class: 'cursor hidden', x1: 0, x2: 0, y1: chart.objective.top, y2: (chart.flops ? chart.flops.top + chart.flops.height : chart.objective.top + chart.objective.height) });
  root.append(cursor);
  const tip = el('div', { class: 'tip hidden', role: 'tooltip', id: 'trace-tip' });
  const figure = el(
    'figure',
    { class: 'chart-box' },
    el('div', { class: 'chart-wrap' }, root as unknown as Node, tip),
    legend(r, chart, chart.flops?.budgetY !== undefined),
  );
  return { figure, chart, svgEl: root, cursor, tip };
}

function stepsTable(r: PropagationResult, restart?: number): { table: HTMLElement; rows: HTMLTableRowElement[] } {
  const cols = tableColumns(r);
  const multiRun = new Set(r.trace.map((t) => t.restart)).size > 1;
  const head = el('tr', {}, ...(multiRun ? ['Run', ...cols] : cols).map((c) => el('th', { scope: 'col' }, c)));
  const rows = tableRows(r).filter((row) => restart === undefined || row.restart === restart).map((row, i) => {
    // in tableColumns' order
    const cells = [
      ...(multiRun ? [el('td', { class: 'num' }, String(row.restart))] : []),
      el('td', { class: 'num' }, String(row.step)),
      el('td', { class: 'num' }, row.objective),
      el('td', { class: 'num' }, row.flops),
      el('td', { class: 'num' }, row.params),
      el('td', { class: row.feasible ? 'ok' : 'bad' }, row.feasible ? 'yes' : 'no'),
      ...row.terms.map((t) => el('td', { class: 'num' }, t)),
      el('td', { class: 'moved' }, row.moved),
    ];
    const tr = el('tr', {
      tabindex: i === 0 ? 0 : -1,
      'data-index': row.index,
      class: row.best ? 'best-step' : undefined,
      'aria-label': `step ${row.step}${row.best ? ' (result)' : ''}: objective ${row.objective}${row.moved !== '—' ? `, ${row.moved}` : ''}`,
      'aria-selected': 'false',
    }, ...cells);
    return tr as HTMLTableRowElement;
  });
  const table = el(
    'table',
    { class: 'steps', role: 'grid', 'aria-label': 'Propagation steps (arrow keys move, Enter reveals the step)', 'aria-rowcount': rows.length + 1 },
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
  return { table, rows };
}

/**
 * Renders a trace (or the empty state) into root and wires hover, keyboard, run choice and exports.
 * `initial`: the step to select (index into every run's steps; default the best run's result), kept
 * by the host across hide/restore; `onSelect` hears each new selection.
 */
export function renderTrace(root: HTMLElement, payload: TracePayload, post: (m: WebviewMessage) => void, cursorNetwork: CursorNetwork | null = null, initial?: number, onSelect?: (index: number | undefined) => void): View | undefined {
  const r = payload.result;
  if (!r || r.trace.length === 0) {
    renderEmpty(root, r ? 'This propagation recorded no steps.' : payload.file ? `No propagation has run in ${payload.file} yet: use ▶ Run propagation above a propagate block, or a light-bulb action on a network.` : undefined);
    return undefined;
  }
  // Every run's steps when the result has them: each run is a line, and any run can be inspected.
  const all = allSteps(r);
  const shown: PropagationResult = { ...r, trace: all };
  const summary = summarize(r, payload.budget);
  const { figure, chart, svgEl, cursor, tip } = chartFigure(r, shown, payload, chartWidth(root.clientWidth));
  const base = payload.name ?? 'trace';
  figure.append(exportButtons(() => svgEl as SVGSVGElement, fileName(base, 'objective', '').slice(0, -1), post, 'objective chart'));

  const runIds = [...new Set(all.map((t) => t.restart))].sort((a, b) => a - b);
  const restored = initial !== undefined && all[initial] ? initial : undefined;
  let run = restored !== undefined ? all[restored].restart : runIds.includes(r.bestRestart) ? r.bestRestart : runIds[0];
  let selected: number | undefined;
  const runSummary = (k: number) => r.runs.find((x) => x.restart === k);
  const bestIndexOf = (k: number) => {
    const s = runSummary(k);
    const i = all.findIndex((t) => t.restart === k && t.step === s?.bestStep);
    return i >= 0 ? i : all.map((t) => t.restart).lastIndexOf(k);
  };

  const runBox = el('section', { class: 'run-box', 'aria-label': 'Selected run' });
  const picker = el('select', { id: 'run-picker', 'aria-label': 'Run to inspect' }, ...runIds.map((k) => {
    const s = runSummary(k);
    return el('option', { value: k, selected: k === run }, `run ${k}${k === r.bestRestart ? ' (best)' : ''}${s ? `: objective ${s.objective.toFixed(3)}` : ''}`);
  }));
  const insertBtn = button('Insert this network', () => {
    const t = selected !== undefined ? all[selected] : undefined;
    if (t) post({ type: 'insert', space: r.space, code: t.rounded.slice(), name: stepName(payload.name, t.restart, t.step) });
  }, { id: 'insert-step', class: 'primary', 'aria-describedby': 'selected-step' });
  const selectedText = el('span', { id: 'selected-step', class: 'muted' });
  const actions = el(
    'div',
    { class: 'actions', role: 'toolbar', 'aria-label': 'Trace actions' },
    el('label', { for: 'run-picker' }, 'Run '),
    picker,
    insertBtn,
    selectedText,
    button('Export JSON', () => post({ type: 'save', format: 'json', fileName: fileName(base, 'trace', 'json'), data: traceJson(r, payload.name, payload.budget) }), { id: 'export-json' }),
    button('Export CSV', () => post({ type: 'save', format: 'csv', fileName: fileName(base, 'trace', 'csv'), data: traceCsv(r) }), { id: 'export-csv' }),
  );
  if (runIds.length < 2) picker.disabled = true;
  // Several runs but only the winner's steps: the engine keeps every run's only up to a size.
  if (r.runs.length > 1 && runIds.length < r.runs.length) {
    actions.append(el('span', { class: 'muted', id: 'runs-not-kept' }, `steps of the other ${r.runs.length - runIds.length} runs were not kept (more than ${RUN_TRACES_LIMIT.runs} runs or ${RUN_TRACES_LIMIT.steps.toLocaleString('en-US')} steps in all)`));
  }

  let rows: HTMLTableRowElement[] = [];
  let table: HTMLElement = el('table');
  let codeTrace: ReturnType<typeof renderCodeTrace> | undefined;
  const stripBox = el('div', { class: 'strip-box' });
  const tableScroll = el('div', { class: 'table-scroll' });
  const codeBox = el('div', { class: 'code-box' });

  const stripRows = (): StripRow[] => {
    const out = [stripRow('start', r.space, r.snappedStart)];
    const runStart = runSummary(run)?.start;
    if (runStart && runStart.some((v, i) => v !== r.snappedStart[i])) out.push(stripRow(`run ${run} start`, r.space, runStart, r.snappedStart));
    out.push(stripRow('result', r.space, r.result, r.snappedStart));
    const t = selected !== undefined ? all[selected] : undefined;
    if (t) out.push(stripRow(`run ${t.restart}, step ${t.step}`, r.space, t.rounded, r.snappedStart));
    if (cursorNetwork && cursorNetwork.space === r.space) out.push(stripRow(`cursor: ${cursorNetwork.name}`, r.space, cursorNetwork.code, r.snappedStart));
    return out;
  };
  const drawStrip = () => stripBox.replaceChildren(renderStrip(stripRows(), 'Start, result and selected step, position by position', r.space));

  const select = (index: number | undefined) => {
    selected = index;
    const t = index !== undefined ? all[index] : undefined;
    insertBtn.disabled = !t;
    selectedText.textContent = t ? `run ${t.restart}, step ${t.step}: ${movedText(t)}` : 'no step selected';
    for (const tr of rows) tr.classList.toggle('selected', Number(tr.dataset.index) === index);
    codeTrace?.setCursor(t && t.restart === run ? t.step : undefined);
    drawStrip();
    onSelect?.(index);
  };

  let pending = restored;
  const drawRun = () => {
    const steps: TraceStep[] = runSteps(r.trace, r.runTraces, run);
    codeTrace = renderCodeTrace(r.space, steps, root.clientWidth);
    codeTrace.figure.append(exportButtons(() => codeTrace?.chart, fileName(base, `code-trace-run${run}`, '').slice(0, -1), post, 'code trace'));
    codeBox.replaceChildren(codeTrace.figure);
    ({ table, rows } = stepsTable(shown, run));
    tableScroll.replaceChildren(table);
    wireRows();
    select(pending !== undefined && all[pending]?.restart === run ? pending : bestIndexOf(run));
    pending = undefined;
  };

  root.replaceChildren(
    header(summary, payload.name, payload.file),
    figure,
    runBox,
  );
  runBox.append(
    actions,
    el('h2', {}, r.space === 'multires' ? 'Code trace' : 'Ops per edge'),
    codeBox,
    el('h2', {}, 'Code strip'),
    stripBox,
    el('section', { class: 'table-box', 'aria-label': 'Steps' }, el('h2', {}, 'Steps'), tableScroll),
    el(
      'vscode-collapsible',
      { title: `Runs (${r.runs.length})`, class: 'runs' },
      el('ul', {}, ...r.runs.map((x) => el('li', {}, `run ${x.restart}${x.restart === r.bestRestart ? ' (best)' : ''}: objective ${x.objective.toFixed(3)}, best at step ${x.bestStep} of ${x.steps}`))),
    ),
  );

  let current: number | undefined;
  const wrap = svgEl.parentElement as HTMLElement;
  const highlight = (index: number | undefined, from?: 'chart' | 'table') => {
    current = index;
    svgEl.querySelectorAll('circle.active').forEach((c) => c.classList.remove('active'));
    for (const tr of rows) {
      const on = Number(tr.dataset.index) === index;
      tr.classList.toggle('active', on);
      tr.setAttribute('aria-selected', String(on));
    }
    if (index === undefined || !all[index]) {
      cursor.classList.add('hidden');
      tip.classList.add('hidden');
      return;
    }
    const pts = svgEl.querySelectorAll(`circle[data-index="${index}"]`);
    pts.forEach((c) => c.classList.add('active'));
    const x = chart.xOf(all[index].step);
    cursor.setAttribute('x1', x.toFixed(1));
    cursor.setAttribute('x2', x.toFixed(1));
    cursor.classList.remove('hidden');
    tip.replaceChildren(...pointDetails(shown, index).map((l, i) => el('div', { class: i === 0 ? 'tip-title' : undefined }, l)));
    tip.classList.remove('hidden');
    // Place the card beside the point, flipped when it would leave the chart.
    const scale = wrap.clientWidth / chart.width || 1;
    const first = pts[0] as SVGCircleElement | undefined;
    const py = first ? Number(first.getAttribute('cy')) * scale : 0;
    const px = x * scale;
    const w = tip.offsetWidth;
    tip.style.left = `${Math.max(0, px + 12 + w > wrap.clientWidth ? px - 12 - w : px + 12)}px`;
    tip.style.top = `${Math.max(0, py - 10)}px`;
    if (from === 'chart') {
      // Scroll the table's own box only: moving the page would pull the chart from under the mouse.
      const tr = rows.find((x) => Number(x.dataset.index) === index);
      if (tr) {
        const top = tr.offsetTop - (table.querySelector('thead')?.clientHeight ?? 0);
        if (top < tableScroll.scrollTop) tableScroll.scrollTop = top;
        else if (tr.offsetTop + tr.offsetHeight > tableScroll.scrollTop + tableScroll.clientHeight) tableScroll.scrollTop = tr.offsetTop + tr.offsetHeight - tableScroll.clientHeight;
      }
    }
  };

  const choose = (index: number) => {
    const t = all[index];
    if (!t) return;
    if (t.restart !== run) {
      run = t.restart;
      picker.value = String(run);
      drawRun();
    }
    select(index);
    post({ type: 'reveal', step: index });
  };

  svgEl.addEventListener('mousemove', (ev) => {
    const box = svgEl.getBoundingClientRect();
    const x = ((ev.clientX - box.left) / (box.width || 1)) * chart.width;
    highlight(nearestIndex(chart, x), 'chart');
  });
  svgEl.addEventListener('mouseleave', () => highlight(undefined));
  svgEl.addEventListener('click', () => {
    if (current !== undefined) choose(current);
  });

  function wireRows(): void {
    const focusRow = (i: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (!target) return;
      rows.forEach((tr) => tr.setAttribute('tabindex', tr === target ? '0' : '-1'));
      target.focus();
    };
    rows.forEach((tr, i) => {
      tr.addEventListener('focus', () => highlight(Number(tr.dataset.index), 'table'));
      tr.addEventListener('mouseenter', () => highlight(Number(tr.dataset.index), 'table'));
      tr.addEventListener('click', () => {
        focusRow(i);
        choose(Number(tr.dataset.index));
      });
      tr.addEventListener('keydown', (ev) => {
        const page = 10;
        const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, PageDown: i + page, PageUp: i - page, Home: 0, End: rows.length - 1 };
        if (ev.key in moves) {
          ev.preventDefault();
          focusRow(moves[ev.key]);
        } else if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          choose(Number(tr.dataset.index));
        }
      });
    });
    table.addEventListener('mouseleave', () => {
      if (!rows.includes(document.activeElement as HTMLTableRowElement)) highlight(undefined);
    });
  }

  picker.addEventListener('change', () => {
    run = Number(picker.value);
    drawRun();
  });
  drawRun();
  return {
    highlight,
    setCursorNetwork(n) {
      cursorNetwork = n;
      drawStrip();
    },
  };
}
