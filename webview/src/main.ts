// Entry of the webviews (bundled to dist/webview.js, an IIFE): the <body data-view> the host wrote
// says which view to start. Talks to the host only through acquireVsCodeApi(); every incoming
// message is checked (protocol.ts, messages.ts) before anything renders.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import './styles.css';
import { checkHostMessage, checkPayload, type TracePayload, type WebviewMessage } from './protocol';
import { checkCompareData, checkDataMessage, checkExplorerData, checkSearchProgress, type CompareData, type CursorNetwork, type ExplorerData } from './messages';
import { checked } from './common/shape';
import { el, fileLabel } from './common/dom';
import { chartWidth, renderEmpty, renderTrace, showError, type View } from './trace/render';
import { renderExplorer } from './explorer/render';
import { renderCompare } from './compare/render';
import { renderSearchProgress } from './search/render';
import type { SearchProgressData } from './search/model';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Post = (m: WebviewMessage) => void;

function onResize(root: HTMLElement, redraw: (width: number) => void): void {
  // Redraw charts at the new size when the panel is resized (drawn 1:1, see chartWidth).
  let drawnWidth = chartWidth(root.clientWidth);
  let pending = false;
  new ResizeObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const w = chartWidth(root.clientWidth);
      if (Math.abs(w - drawnWidth) < 16) return;
      drawnWidth = w;
      redraw(w);
    });
  }).observe(root);
}

/** Which run a payload shows: a payload of the same run keeps the selected step. */
function runIdentity(p: TracePayload | undefined): string {
  const r = p?.result;
  return r ? JSON.stringify([p.file ?? '', p.name ?? '', r.trace.length, r.runs.length, r.result, r.bestRestart]) : '';
}

function startTrace(root: HTMLElement, api: VsCodeApi | undefined, post: Post): void {
  let shown: TracePayload | undefined;
  let view: View | undefined;
  let cursor: CursorNetwork | null = null;
  /** The selected step (index into every run's steps), kept in the webview state with the trace. */
  let selected: number | undefined;
  const save = () => api?.setState({ ...shown, ...(selected !== undefined ? { selected } : {}) });
  const show = (payload: TracePayload) => {
    // A new run starts at its result; the same run again (the panel restored, resized) keeps its step.
    if (runIdentity(payload) !== runIdentity(shown)) selected = undefined;
    shown = payload;
    try {
      view = renderTrace(root, payload, post, cursor, selected, (i) => {
        selected = i;
        save();
      });
      save();
    } catch (e) {
      // A shape the checks let through but rendering cannot handle must not leave a blank panel.
      renderEmpty(root, `Could not draw this trace: ${(e as Error).message}`);
    }
  };
  // The panel's state survives hiding: redraw the last trace at once, with its selected step,
  // before the host answers.
  const state = api?.getState() as { selected?: unknown } | null | undefined;
  const saved = checkPayload(state);
  if (saved.ok && saved.value.result) {
    const s = state?.selected;
    selected = typeof s === 'number' && Number.isInteger(s) && s >= 0 ? s : undefined;
    shown = saved.value;
    show(saved.value);
  } else renderEmpty(root);

  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const data = ev.data as { type?: unknown } | null;
    if (data && typeof data === 'object' && data.type === 'cursor') {
      const c = checkDataMessage(data);
      if (!c.ok || c.value.type !== 'cursor') return console.warn(`ignored a malformed cursor message: ${c.ok ? 'wrong type' : c.error}`);
      cursor = c.value.network;
      view?.setCursorNetwork(cursor);
      return;
    }
    const m = checkHostMessage(ev.data);
    if (!m.ok) {
      showError(root, m.error);
      return;
    }
    const { type: _type, ...payload } = m.value;
    show(payload);
  });
  onResize(root, () => {
    if (shown?.result) show(shown);
  });
}

/** Explorer and compare: one data message kind each, kept in the webview state for reloads. */
function startData<T>(root: HTMLElement, api: VsCodeApi | undefined, kind: 'explorer' | 'compare' | 'searchProgress', check: (v: unknown) => T, draw: (data: T, width: number) => void): void {
  let shown: T | undefined;
  const show = (data: T) => {
    shown = data;
    try {
      draw(data, chartWidth(root.clientWidth));
    } catch (e) {
      root.replaceChildren(el('div', { class: 'empty', role: 'status' }, `Could not draw this view: ${(e as Error).message}`));
    }
  };
  const saved = checked(() => check(api?.getState()));
  if (saved.ok) show(saved.value);
  else root.replaceChildren(el('div', { class: 'empty', role: 'status' }, el('h1', {}, kind === 'explorer' ? 'Benchmark explorer' : kind === 'compare' ? 'Compare networks' : 'Search progress'), el('p', {}, 'Loading…')));
  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const m = checkDataMessage(ev.data);
    if (!m.ok || m.value.type !== kind) {
      // Malformed or not for this view: nothing is drawn from it; the banner names the problem.
      root.querySelector('.error')?.remove();
      root.prepend(el('div', { class: 'error', role: 'alert' }, `Ignored a malformed message: ${m.ok ? `unexpected '${m.value.type}'` : m.error}`));
      return;
    }
    const data = (m.value as unknown as { data: T }).data;
    api?.setState(data);
    show(data);
  });
  onResize(root, () => {
    if (shown !== undefined) show(shown);
  });
}

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
  root.id = 'app';
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const post: Post = (m) => api?.postMessage(m);
  const view = document.body.dataset.view;
  if (view === 'explorer') {
    startData<ExplorerData>(root, api, 'explorer', checkExplorerData, (d, w) => renderExplorer(root, d, post, w));
  } else if (view === 'search') {
    startData<SearchProgressData>(root, api, 'searchProgress', checkSearchProgress, (d, w) => renderSearchProgress(root, d, post, w));
  } else if (view === 'compare') {
    startData<CompareData>(root, api, 'compare', checkCompareData, (d) => renderCompare(root, d, post, fileLabel(d.uri)));
  } else {
    startTrace(root, api, post);
  }
  post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
