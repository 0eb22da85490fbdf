// Entry of the trace webview (bundled to dist/webview.js, an IIFE). Talks to the host only through
// acquireVsCodeApi(); every incoming message is checked (protocol.ts) before anything renders.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import './styles.css';
import { checkHostMessage, checkPayload, type TracePayload, type WebviewMessage } from './protocol';
import { chartWidth, renderEmpty, renderTrace, showError } from './render';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

function start(): void {
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
  root.id = 'app';
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const post = (m: WebviewMessage) => api?.postMessage(m);

  let shown: TracePayload | undefined;
  const show = (payload: TracePayload) => {
    shown = payload;
    try {
      renderTrace(root, payload, post);
    } catch (e) {
      // A shape the checks let through but rendering cannot handle must not leave a blank panel.
      renderEmpty(root, `Could not draw this trace: ${(e as Error).message}`);
    }
  };

  // The panel's state survives hiding: redraw the last trace at once, before the host answers.
  const saved = checkPayload(api?.getState());
  if (saved.ok && saved.value.result) show(saved.value);
  else renderEmpty(root);

  window.addEventListener('message', (ev: MessageEvent<unknown>) => {
    const m = checkHostMessage(ev.data);
    if (!m.ok) {
      showError(root, m.error);
      return;
    }
    const { type: _type, ...payload } = m.value;
    api?.setState(payload);
    show(payload);
  });
  // Redraw the chart at the new size when the panel is resized (drawn 1:1, see chartWidth).
  let drawnWidth = chartWidth(root.clientWidth);
  let pending = false;
  new ResizeObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const w = chartWidth(root.clientWidth);
      if (Math.abs(w - drawnWidth) < 16 || !shown?.result) return;
      drawnWidth = w;
      show(shown);
    });
  }).observe(root);
  post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
