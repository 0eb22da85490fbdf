// The benchmark explorer: every benchmark network as a point (log FLOPs × the chosen setting's
// metric, marker area by params), the Pareto front, the file's networks and the current trace's
// path overlaid with their predicted values ± spread, and the Spearman matrix between settings.
// Hand-written SVG (see webview/src/README.md): the benchmark's points are a few paths (one per
// marker size) of round dots in data coordinates (log10 FLOPs, metric) under one transform, so
// pan/zoom changes one attribute, not thousands; the same SVG is what "SVG"/"PNG" export. Text from the file (names) only ever goes in as text nodes.
import { codeToString } from '../../../server/src/core/space/multires';
import { cellToString } from '../../../server/src/core/space/nb201';
import type { ExplorerData, OverlayNetwork } from '../../../server/src/features/views/viewData';
import { exportButtons } from '../common/chartActions';
import { button, codeEl, el, fileLabel, svg } from '../common/dom';
import type { ActionMessage } from '../messages';
import { renderStrip } from '../codeTrace/render';
import { stripRow } from '../codeTrace/model';
import { fixed, niceTicks } from '../trace/model';
import { placeLabels } from './labels';
import {
  correlationMatrix,
  fitWindow,
  logTicks,
  nearestPoint,
  panWindow,
  paretoFront,
  radiusFor,
  scaleFor,
  SCATTER_SIZE,
  zoomWindow,
  type Scale,
  type ScatterSize,
  type Window,
} from './model';

export interface ExplorerView {
  /** Redraws the scatter for a window (pan/zoom); returns the time it took in ms. */
  setWindow(w: Window): void;
  /** Hover at a pixel of the scatter (for the keyboard and benches). */
  hoverAt(px: number, py: number): void;
  selectSetting(index: number): void;
  pick(index: number): void;
}

function codeText(space: ExplorerData['space'], code: readonly number[]): string {
  try {
    return space === 'multires' ? codeToString(code) : cellToString(code);
  } catch {
    return code.join(',');
  }
}

/** Width of a label in the scatter's label font, measured on a canvas (an estimate without one). */
function textWidth(text: string): number {
  const ctx = measureCtx();
  return ctx ? ctx.measureText(text).width : text.length * 6.6;
}
let measureContext: CanvasRenderingContext2D | null | undefined;
function measureCtx(): CanvasRenderingContext2D | null {
  if (measureContext === undefined) {
    measureContext = document.createElement('canvas').getContext('2d');
    if (measureContext) measureContext.font = `11px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
  }
  return measureContext;
}

export function renderExplorer(root: HTMLElement, data: ExplorerData, post: (m: ActionMessage) => void, width = SCATTER_SIZE.width): ExplorerView {
  const size: ScatterSize = { ...SCATTER_SIZE, width };
  const main = data.settings.findIndex((s) => s.name === 'seg');
  let setting = main >= 0 ? main : 0;
  let picked = -1;
  let hovered = -1;

  const settingPicker = el('select', { id: 'setting-picker', 'aria-label': 'Setting on the y axis' }, ...data.settings.map((s, i) => el('option', { value: i, selected: i === setting }, `${s.name} ${s.metrics[0] ?? ''}`)));
  const resetBtn = button('Reset zoom', () => view.setWindow(fitted), { id: 'reset-zoom' });
  const head = el(
    'header',
    {},
    el('h1', {}, 'Benchmark explorer', el('span', { class: 'name' }, ` — ${fileLabel(data.uri)}`)),
    el('p', { class: 'muted' }, `${data.points.length} networks from ${data.source}; the diamonds are the networks of ${fileLabel(data.uri)}`),
    ...(data.notes.length ? [el('ul', { class: 'notes' }, ...data.notes.map((n) => el('li', {}, n)))] : []),
    el('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Explorer controls' }, el('label', { for: 'setting-picker' }, 'Metric '), settingPicker, resetBtn),
  );

  // ----- scatter -----
  const scatter = svg('svg', { class: 'scatter', viewBox: `0 0 ${size.width} ${size.height}`, tabindex: 0, role: 'img' }) as SVGSVGElement;
  const defs = svg('defs', {}, svg('clipPath', { id: 'plot-clip' }, svg('rect', { x: size.margin.left, y: size.margin.top, width: size.width - size.margin.left - size.margin.right, height: size.height - size.margin.top - size.margin.bottom })));
  const axesG = svg('g', { class: 'axes' });
  const pointsG = svg('g', { class: 'points', 'clip-path': 'url(#plot-clip)' });
  const frontG = svg('g', { class: 'front', 'clip-path': 'url(#plot-clip)' });
  const overlayG = svg('g', { class: 'overlay', 'clip-path': 'url(#plot-clip)' });
  // Names of the file's networks: placed inside the plot where they overprint nothing (not clipped).
  const labelsG = svg('g', { class: 'labels' });
  const unlabelled = el('li', { class: 'unlabelled hidden' });
  const hoverRing = svg('circle', { class: 'hover-ring hidden', r: 6 });
  const pickRing = svg('circle', { class: 'pick-ring hidden', r: 7 });
  scatter.append(defs, axesG, pointsG, frontG, overlayG, labelsG, hoverRing, pickRing);
  const tip = el('div', { class: 'tip hidden', role: 'tooltip' });
  const legend = el(
    'ul',
    { class: 'legend' },
    el('li', {}, el('span', { class: 'dot bench' }), 'benchmark network (area: params)'),
    el('li', {}, el('span', { class: 'swatch front-swatch' }), 'Pareto front'),
    el('li', {}, el('span', { class: 'dot net' }), 'this file (predicted ± spread)'),
    ...(data.path ? [el('li', {}, el('span', { class: 'swatch path-swatch' }), `trace path: ${data.path.label}`)] : []),
    unlabelled,
  );
  const scatterFig = el('figure', { class: 'chart-box' }, el('div', { class: 'chart-wrap' }, scatter as unknown as Node, tip), legend);
  scatterFig.append(exportButtons(() => scatter, 'benchmark-scatter', post, 'scatter plot'));

  // Points of the chosen setting: those measured in it.
  let idx: number[] = [];
  /** Data coordinates of the drawn points: log10 FLOPs and the metric. */
  let lx = new Float64Array(0);
  let vy = new Float64Array(0);
  const ptsXform = svg('g', { class: 'pts-xform' });
  pointsG.append(ptsXform);
  let xs = new Float64Array(0);
  let ys = new Float64Array(0);
  let front: number[] = [];
  let win: Window = { x0: 0, x1: 1, y0: 0, y1: 1 };
  let fitted: Window = win;
  let scale: Scale = scaleFor(win, size);
  const maxParams = Math.max(0, ...data.points.map((p) => p.params));
  const value = (i: number) => data.points[i].values[setting]?.[0] ?? NaN;
  const predicted = (n: OverlayNetwork) => n.predicted[setting]?.[0];

  const frontTable = el('table', { class: 'front-table', 'aria-label': 'Pareto front networks (Enter picks one)' });
  const details = el('section', { class: 'details', 'aria-live': 'polite', 'aria-label': 'Picked network' }, el('p', { class: 'muted' }, 'Pick a point (click, or Tab to the front table) to see its code.'));

  const buildPoints = () => {
    idx = data.points.map((_, i) => i).filter((i) => Number.isFinite(value(i)));
    lx = Float64Array.from(idx, (i) => Math.log10(Math.max(data.points[i].flops, 1e-6)));
    vy = Float64Array.from(idx, value);
    // One path per marker size (area by params): a zero-length segment with round caps is a dot
    // whose size stays in screen pixels under the transform (non-scaling stroke).
    const CLASSES = 6;
    const parts: string[][] = Array.from({ length: CLASSES }, () => []);
    idx.forEach((i, k) => {
      const r = radiusFor(data.points[i].params, maxParams);
      const c = Math.min(CLASSES - 1, Math.round(((r - 1.6) / 5.4) * (CLASSES - 1)));
      parts[c].push(`M${lx[k].toFixed(5)} ${vy[k].toFixed(4)}h0`);
    });
    ptsXform.replaceChildren(
      ...parts.flatMap((list, c) =>
        list.length ? [svg('path', { class: 'pt bench', d: list.join(''), 'stroke-width': (2 * (1.6 + (5.4 * c) / (CLASSES - 1))).toFixed(1), 'vector-effect': 'non-scaling-stroke', 'data-count': list.length })] : [],
      ),
    );
    pointsG.setAttribute('data-points', String(idx.length));
    xs = new Float64Array(idx.length);
    ys = new Float64Array(idx.length);
    const fx = idx.map((i) => data.points[i].flops);
    const fy = idx.map(value);
    front = paretoFront(fx, fy).map((k) => idx[k]);
    const overlayFlops = [...data.networks.map((n) => n.flops), ...(data.path?.steps.map((s) => s.flops) ?? [])];
    const overlayVals = [...data.networks, ...(data.path?.steps ?? [])].map(predicted).filter((p) => p !== undefined).map((p) => p!.mean);
    fitted = fitWindow([...fx, ...overlayFlops], [...fy, ...overlayVals]);
    scatter.setAttribute('aria-label', `Scatter of ${idx.length} benchmark networks: exact FLOPs (log scale) against ${data.settings[setting]?.name} ${data.settings[setting]?.metrics[0] ?? ''}; ${front.length} on the Pareto front; ${data.networks.length} networks of this file overlaid${data.path ? `, and the trace path of ${data.path.steps.length} steps` : ''}.`);
    renderFrontTable();
  };

  const drawAxes = () => {
    const s = scale;
    const parts: SVGElement[] = [];
    for (const f of logTicks(win.x0, win.x1)) {
      const x = s.xOf(f).toFixed(1);
      parts.push(svg('line', { class: 'grid', x1: x, x2: x, y1: s.top, y2: s.bottom }), svg('text', { class: 'tick x', x, y: s.bottom + 15, 'text-anchor': 'middle' }, String(f)));
    }
    for (const v of niceTicks(win.y0, win.y1, 6).filter((v) => v >= win.y0 && v <= win.y1)) {
      const y = s.yOf(v).toFixed(1);
      parts.push(svg('line', { class: 'grid', x1: s.left, x2: s.right, y1: y, y2: y }), svg('text', { class: 'tick y', x: s.left - 6, y, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, fixed(v, Math.abs(win.y1 - win.y0) < 5 ? 1 : 0)));
    }
    parts.push(
      svg('rect', { class: 'frame', x: s.left, y: s.top, width: s.right - s.left, height: s.bottom - s.top }),
      svg('text', { class: 'axis-label', x: (s.left + s.right) / 2, y: size.height - 6, 'text-anchor': 'middle' }, 'exact FLOPs (G MACs, log scale)'),
      svg('text', { class: 'axis-label', x: 12, y: (s.top + s.bottom) / 2, transform: `rotate(-90 12 ${(s.top + s.bottom) / 2})`, 'text-anchor': 'middle' }, `${data.settings[setting]?.name ?? ''} ${data.settings[setting]?.metrics[0] ?? ''}`),
    );
    axesG.replaceChildren(...parts);
  };

  const drawOverlay = () => {
    const s = scale;
    const parts: SVGElement[] = [];
    const marker = (n: OverlayNetwork, cls: string, label?: string) => {
      const p = predicted(n);
      if (!p) return;
      const x = s.xOf(n.flops);
      const y = s.yOf(p.mean);
      const g = svg('g', { class: cls });
      g.append(
        svg('line', { class: 'err', x1: x.toFixed(1), x2: x.toFixed(1), y1: s.yOf(p.mean - p.std).toFixed(1), y2: s.yOf(p.mean + p.std).toFixed(1) }),
        svg('path', { class: 'mark', d: `M${(x - 5).toFixed(1)} ${y.toFixed(1)} l5 -5 l5 5 l-5 5 z` }),
        svg('title', {}, `${n.name}: ${fixed(p.mean, 2)} ± ${fixed(p.std, 2)} predicted, ${fixed(n.flops, 3)} G FLOPs, ${fixed(n.params, 2)} M params`),
      );
      if (label) wanted.push({ x, y, label });
      parts.push(g);
    };
    const wanted: { x: number; y: number; label: string }[] = [];
    if (data.path) {
      const pts = data.path.steps.map((st) => ({ st, p: predicted(st) })).filter((q) => q.p);
      const d = pts.map((q, i) => `${i ? 'L' : 'M'}${s.xOf(q.st.flops).toFixed(1)} ${s.yOf(q.p!.mean).toFixed(1)}`).join(' ');
      if (d) parts.push(svg('path', { class: 'trace-path', d }));
      for (const q of pts) {
        parts.push(
          svg('line', { class: 'trace-err', x1: s.xOf(q.st.flops).toFixed(1), x2: s.xOf(q.st.flops).toFixed(1), y1: s.yOf(q.p!.mean - q.p!.std).toFixed(1), y2: s.yOf(q.p!.mean + q.p!.std).toFixed(1) }),
          svg('circle', { class: 'trace-pt', cx: s.xOf(q.st.flops).toFixed(1), cy: s.yOf(q.p!.mean).toFixed(1), r: 2.5 }, svg('title', {}, `step ${q.st.step}: ${fixed(q.p!.mean, 2)} ± ${fixed(q.p!.std, 2)} predicted, ${fixed(q.st.flops, 3)} G`)),
        );
      }
    }
    for (const n of data.networks) marker(n, 'net', n.name);
    overlayG.replaceChildren(...parts);
    const inside = (p: { x: number; y: number }) => p.x >= s.left && p.x <= s.right && p.y >= s.top && p.y <= s.bottom;
    const placed = placeLabels(wanted.filter(inside), { left: s.left, top: s.top, right: s.right, bottom: s.bottom }, textWidth);
    labelsG.replaceChildren(...placed.placed.map((p) => svg('text', { class: 'net-label', x: p.x.toFixed(1), y: p.y.toFixed(1), 'text-anchor': p.anchor }, p.label)));
    unlabelled.classList.toggle('hidden', placed.skipped.length === 0);
    unlabelled.textContent = placed.skipped.length ? `not labelled here (no room; hover the diamonds): ${placed.skipped.join(', ')}` : '';
  };

  const drawPoints = () => {
    const s = scale;
    // x = left + (log10 f − x0)·kx, y = bottom − (v − y0)·ky: affine in data coordinates.
    const kx = (s.right - s.left) / (win.x1 - win.x0 || 1);
    const ky = (s.bottom - s.top) / (win.y1 - win.y0 || 1);
    const tx = s.left - win.x0 * kx;
    const ty = s.bottom + win.y0 * ky;
    ptsXform.setAttribute('transform', `matrix(${kx} 0 0 ${-ky} ${tx} ${ty})`);
    for (let k = 0; k < idx.length; k++) {
      xs[k] = tx + lx[k] * kx;
      ys[k] = ty - vy[k] * ky;
    }
    const d = front.map((i, k) => `${k ? 'L' : 'M'}${s.xOf(data.points[i].flops).toFixed(1)} ${s.yOf(value(i)).toFixed(1)}`).join(' ');
    frontG.replaceChildren(svg('path', { class: 'pareto', d }), ...front.map((i) => svg('circle', { class: 'front-pt', cx: s.xOf(data.points[i].flops).toFixed(1), cy: s.yOf(value(i)).toFixed(1), r: 3 })));
    place(hoverRing, hovered);
    place(pickRing, picked);
  };

  const place = (ring: SVGElement, i: number) => {
    if (i < 0 || !Number.isFinite(value(i))) return ring.classList.add('hidden');
    ring.setAttribute('cx', scale.xOf(data.points[i].flops).toFixed(1));
    ring.setAttribute('cy', scale.yOf(value(i)).toFixed(1));
    ring.classList.remove('hidden');
  };

  const pointLines = (i: number): string[] => {
    const p = data.points[i];
    return [
      `${data.settings[setting]?.name} ${data.settings[setting]?.metrics[0] ?? ''}: ${fixed(value(i), 2)} (measured)`,
      `FLOPs ${fixed(p.flops, 3)} G, params ${fixed(p.params, 2)} M`,
      codeText(data.space, p.code),
    ];
  };

  const hoverAt = (px: number, py: number) => {
    const k = nearestPoint(xs, ys, px, py, 10);
    hovered = k >= 0 ? idx[k] : -1;
    place(hoverRing, hovered);
    if (hovered < 0) {
      tip.classList.add('hidden');
      return;
    }
    tip.replaceChildren(...pointLines(hovered).map((l, j) => el('div', { class: j === 0 ? 'tip-title' : 'tip-code' }, l)));
    tip.classList.remove('hidden');
    const k2 = (scatter.clientWidth || size.width) / size.width;
    const w = tip.offsetWidth;
    const x = xs[k] * k2;
    tip.style.left = `${Math.max(0, x + 12 + w > (scatter.clientWidth || size.width) ? x - 12 - w : x + 12)}px`;
    tip.style.top = `${Math.max(0, ys[k] * k2 - 10)}px`;
  };

  const pick = (i: number) => {
    picked = i;
    place(pickRing, i);
    const p = data.points[i];
    if (!p) return;
    const nameError = el('span', { class: 'bad-text', role: 'alert', id: 'insert-name-error' });
    const nameInput = el('input', { id: 'insert-name', type: 'text', value: `bench_${i}`, 'aria-label': 'Name of the inserted network', spellcheck: 'false' }) as HTMLInputElement;
    const measured = el(
      'table',
      { class: 'measured' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Setting'), el('th', { scope: 'col' }, 'Measured'))),
      el('tbody', {}, ...data.settings.map((s, k) => el('tr', {}, el('th', { scope: 'row' }, s.name), el('td', {}, p.values[k] ? p.values[k]!.map((v, m) => `${s.metrics[m] ?? m} ${fixed(v, 2)}`).join(', ') : '—')))),
    );
    details.replaceChildren(
      el('h2', {}, `Benchmark network #${i}`),
      el('p', {}, codeEl(codeText(data.space, p.code), { class: 'code picked-code' })),
      renderStrip([stripRow('code', data.space, p.code)], 'Code of the picked network'),
      el('p', { class: 'muted' }, `FLOPs ${fixed(p.flops, 3)} G, params ${fixed(p.params, 2)} M`),
      measured,
      el(
        'div',
        { class: 'actions' },
        el('label', { for: 'insert-name' }, 'Name '),
        nameInput,
        button('Insert into the file', () => {
          const name = nameInput.value.trim();
          // The host refuses anything else; say so here rather than post a message it drops.
          if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
            nameError.textContent = `'${name}' is not a name: letters, digits and _, not starting with a digit (at most 64).`;
            return;
          }
          nameError.textContent = '';
          post({ type: 'insert', space: data.space, code: p.code.slice(), name });
        }, { id: 'insert-picked' }),
        nameError,
      ),
    );
  };

  function renderFrontTable(): void {
    const rows = front.map((i) => {
      const tr = el('tr', { tabindex: 0, 'data-i': i, 'aria-label': `FLOPs ${fixed(data.points[i].flops, 3)} G, ${fixed(value(i), 2)}` },
        el('td', { class: 'num' }, fixed(data.points[i].flops, 3)),
        el('td', { class: 'num' }, fixed(data.points[i].params, 2)),
        el('td', { class: 'num' }, fixed(value(i), 2)),
        el('td', {}, el('code', {}, codeText(data.space, data.points[i].code))));
      tr.addEventListener('click', () => pick(i));
      tr.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          pick(i);
        } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
          ev.preventDefault();
          ((ev.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling) as HTMLElement | null)?.focus();
        }
      });
      tr.addEventListener('focus', () => {
        hovered = i;
        place(hoverRing, i);
      });
      return tr;
    });
    frontTable.replaceChildren(
      el('thead', {}, el('tr', {}, ...['FLOPs G', 'Params M', data.settings[setting]?.name ?? '', 'Code'].map((c) => el('th', { scope: 'col' }, c)))),
      el('tbody', {}, ...rows),
    );
  }

  // ----- Spearman matrix -----
  const corr = correlationMatrix(data);
  const cell = 46;
  const labelW = 92;
  const n = corr.settings.length;
  const side = labelW + n * cell + 4;
  const matrix = svg('svg', { class: 'corr', viewBox: `0 0 ${side} ${side}`, width: side, height: side, role: 'img', 'aria-label': `Spearman rank correlation between the ${n} settings' main metrics over the benchmark networks measured in both: ` + corr.settings.flatMap((a, i) => corr.settings.slice(i + 1).map((b, k) => `${a}–${b} ${fixed(corr.rho[i][i + 1 + k], 2)}`)).join(', ') }) as SVGSVGElement;
  corr.settings.forEach((name, i) => {
    matrix.append(svg('text', { class: 'tick y', x: labelW - 6, y: labelW + i * cell + cell / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, name));
    matrix.append(svg('text', { class: 'tick x', x: labelW + i * cell + cell / 2, y: labelW - 6, 'text-anchor': 'start', transform: `rotate(-45 ${labelW + i * cell + cell / 2} ${labelW - 6})` }, name));
    corr.settings.forEach((other, j) => {
      const r = corr.rho[i][j];
      const lvl = Number.isFinite(r) ? Math.max(0, Math.min(7, Math.round(((r + 1) / 2) * 7))) : -1;
      const g = svg('g', { class: `corr-cell ${lvl < 0 ? 'na' : `lvl-${lvl}`}` });
      g.append(
        svg('rect', { x: labelW + j * cell, y: labelW + i * cell, width: cell - 2, height: cell - 2 }),
        svg('text', { x: labelW + j * cell + (cell - 2) / 2, y: labelW + i * cell + (cell - 2) / 2, 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, Number.isFinite(r) ? fixed(r, 2) : '—'),
        svg('title', {}, `${name} vs ${other}: ρ = ${Number.isFinite(r) ? fixed(r, 3) : 'n/a'} over ${corr.count[i][j]} networks`),
      );
      matrix.append(g);
    });
  });
  const corrFig = el('figure', { class: 'chart-box corr-box' }, el('div', { class: 'chart-wrap' }, matrix as unknown as Node));
  corrFig.append(exportButtons(() => matrix, 'spearman-matrix', post, 'correlation matrix'));

  root.replaceChildren(
    head,
    scatterFig,
    details,
    el('section', { 'aria-label': 'Pareto front' }, el('h2', {}, 'Pareto front'), el('div', { class: 'table-scroll' }, frontTable)),
    el('section', { 'aria-label': 'Spearman rank correlation between settings' }, el('h2', {}, 'Rank correlation between settings (Spearman ρ)'), corrFig),
  );

  // ----- interaction -----
  const toLocal = (ev: MouseEvent) => {
    const b = scatter.getBoundingClientRect();
    const k = size.width / (b.width || size.width);
    return { x: (ev.clientX - b.left) * k, y: (ev.clientY - b.top) * k };
  };
  let drag: { x: number; y: number; w: Window; moved: boolean } | undefined;
  scatter.addEventListener('mousemove', (ev) => {
    const p = toLocal(ev);
    if (drag && ev.buttons & 1) {
      if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 3) drag.moved = true;
      if (drag.moved) view.setWindow(panWindow(drag.w, scaleFor(drag.w, size), p.x - drag.x, p.y - drag.y));
      return;
    }
    hoverAt(p.x, p.y);
  });
  scatter.addEventListener('mousedown', (ev) => {
    const p = toLocal(ev);
    drag = { x: p.x, y: p.y, w: win, moved: false };
  });
  scatter.addEventListener('mouseup', () => {
    if (drag && !drag.moved && hovered >= 0) pick(hovered);
    drag = undefined;
  });
  scatter.addEventListener('mouseleave', () => {
    drag = undefined;
    hovered = -1;
    place(hoverRing, -1);
    tip.classList.add('hidden');
  });
  scatter.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const p = toLocal(ev);
    view.setWindow(zoomWindow(win, scale, p.x, p.y, ev.deltaY > 0 ? 1.2 : 1 / 1.2));
  }, { passive: false });
  scatter.addEventListener('dblclick', () => view.setWindow(fitted));
  scatter.addEventListener('keydown', (ev) => {
    const cx = (scale.left + scale.right) / 2;
    const cy = (scale.top + scale.bottom) / 2;
    const pans: Record<string, [number, number]> = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] };
    if (ev.key === '+' || ev.key === '=') view.setWindow(zoomWindow(win, scale, cx, cy, 1 / 1.25));
    else if (ev.key === '-') view.setWindow(zoomWindow(win, scale, cx, cy, 1.25));
    else if (ev.key === '0') view.setWindow(fitted);
    else if (ev.key in pans) view.setWindow(panWindow(win, scale, ...pans[ev.key]));
    else return;
    ev.preventDefault();
  });
  settingPicker.addEventListener('change', () => view.selectSetting(Number(settingPicker.value)));

  const view: ExplorerView = {
    setWindow(w) {
      win = w;
      scale = scaleFor(win, size);
      drawAxes();
      drawPoints();
      drawOverlay();
    },
    hoverAt,
    selectSetting(i) {
      if (!data.settings[i]) return;
      setting = i;
      settingPicker.value = String(i);
      buildPoints();
      view.setWindow(fitted);
      if (picked >= 0) pick(picked);
    },
    pick,
  };
  buildPoints();
  view.setWindow(fitted);
  return view;
}
