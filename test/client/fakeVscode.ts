// A stand-in for the `vscode` module, enough for the client's trace panel (client/src/propagation/
// tracePanel.ts, traces.ts) to run in node: webview panels record what they are sent and can be
// told the view is ready. Import this module before the client code: it answers `require('vscode')`.
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;

export class FakeUri {
  private constructor(readonly value: string) {}
  static parse(s: string): FakeUri {
    return new FakeUri(s);
  }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri {
    return new FakeUri([base.value.replace(/\/$/, ''), ...parts].join('/'));
  }
  get path(): string {
    return this.value.replace(/^[a-z]+:\/\/[^/]*/, '');
  }
  toString(): string {
    return this.value;
  }
}

export class FakeWebviewPanel {
  title = '';
  revealed = 0;
  disposed = false;
  /** Every message posted to the view, in order. */
  readonly posted: unknown[] = [];
  private readonly receivers: Listener<unknown>[] = [];
  private readonly disposeListeners: Listener<void>[] = [];
  readonly webview = {
    html: '',
    cspSource: 'fake-csp',
    asWebviewUri: (u: FakeUri): FakeUri => u,
    postMessage: (m: unknown): Promise<boolean> => {
      this.posted.push(m);
      return Promise.resolve(true);
    },
    onDidReceiveMessage: (l: Listener<unknown>) => {
      this.receivers.push(l);
      return { dispose: () => undefined };
    },
  };
  constructor(readonly viewType: string) {}
  reveal(): void {
    this.revealed++;
  }
  onDidDispose(l: Listener<void>): { dispose(): void } {
    this.disposeListeners.push(l);
    return { dispose: () => undefined };
  }
  /** A message from the webview's script. */
  receive(m: unknown): void {
    for (const l of this.receivers) l(m);
  }
  /** The user closes the panel. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const l of this.disposeListeners) l();
  }
}

/** An event the test fires itself (`vscode.window.onDidChangeActiveTextEditor` and the like). */
export class FakeEvent<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.add(l);
    return { dispose: () => void this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
}

/** What the fake editor showed (panels created, notifications) and the events a test fires. */
export const fake = {
  panels: [] as FakeWebviewPanel[],
  messages: [] as { kind: 'info' | 'warning' | 'error'; text: string }[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  activeEditorChanged: new FakeEvent<unknown>(),
  selectionChanged: new FakeEvent<unknown>(),
  documentChanged: new FakeEvent<unknown>(),
};

const noDisposable = { dispose: () => undefined };
/** The stand-in module itself (tests set `window.activeTextEditor` on it). */
export const vscode = {
  Uri: FakeUri,
  ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
  window: {
    activeTextEditor: undefined,
    visibleTextEditors: [],
    tabGroups: { all: [], activeTabGroup: { tabs: [] } },
    createWebviewPanel(viewType: string): FakeWebviewPanel {
      const p = new FakeWebviewPanel(viewType);
      fake.panels.push(p);
      return p;
    },
    showInformationMessage: (text: string) => (fake.messages.push({ kind: 'info', text }), Promise.resolve(undefined)),
    showWarningMessage: (text: string) => (fake.messages.push({ kind: 'warning', text }), Promise.resolve(undefined)),
    showErrorMessage: (text: string) => (fake.messages.push({ kind: 'error', text }), Promise.resolve(undefined)),
    showQuickPick: () => Promise.resolve(undefined),
    onDidChangeActiveTextEditor: fake.activeEditorChanged.event,
    onDidChangeTextEditorSelection: fake.selectionChanged.event,
  },
  workspace: {
    textDocuments: [],
    /** `file:///ws/a/b.ncp` → `a/b.ncp`, as VS Code does for a workspace at /ws. */
    asRelativePath: (u: FakeUri | string): string => (typeof u === 'string' ? u : u.path).replace(/^\/ws\//, ''),
    onDidCloseTextDocument: () => noDisposable,
    onDidChangeTextDocument: fake.documentChanged.event,
  },
  commands: {
    executeCommand: () => Promise.resolve(undefined),
    registerCommand(id: string, run: (...args: unknown[]) => unknown) {
      fake.commands.set(id, run);
      return { dispose: () => void fake.commands.delete(id) };
    },
  },
  env: { clipboard: { writeText: () => Promise.resolve() } },
  Disposable: { from: () => noDisposable },
};

// `require('vscode')` from here on gets the fake (the client's modules are CommonJS under tsx).
const FAKE_ID = '/fake/node_modules/vscode/index.js';
const M = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = M._resolveFilename;
M._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? FAKE_ID : resolve.call(this, request, ...rest);
};
const mod = new Module(FAKE_ID);
mod.filename = FAKE_ID;
mod.loaded = true;
mod.exports = vscode;
require.cache[FAKE_ID] = mod;
