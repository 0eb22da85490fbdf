// A JSON-RPC client for tests and benchmarks: builds the bundles, spawns the real language
// server (`node dist/server.js --stdio`) and talks to it as an editor does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SET_FORMAT, FORMAT_VERSION } from '../../server/src/core/predict/format';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  PublishDiagnosticsParams,
  InitializeResult,
  ClientCapabilities,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const serverPath = join(root, 'dist/server.js');

let built = false;
const lockDir = join(root, 'dist/.lsp-test-lock');

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Serialises build + server start-up between test processes, so no server reads a half-written bundle. */
async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(join(root, 'dist'), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // A lock older than a minute belongs to a process that died: take it over.
      try {
        if (Date.now() - statSync(lockDir).mtimeMs > 60_000) rmdirSync(lockDir);
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() - start > 120_000) throw new Error(`timed out waiting for ${lockDir}`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      rmdirSync(lockDir);
    } catch {
      /* already removed */
    }
  }
}

/** Runs `node scripts/build.mjs --quiet` once per process; accepts a failed build only if it still wrote the server. */
function buildOnce(): void {
  if (built || process.env.NCP_LSP_TEST_NO_BUILD === '1') return;
  const before = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    const fresh = existsSync(serverPath) && statSync(serverPath).mtimeMs >= before - 1000;
    if (!fresh) throw new Error(`build failed:\n${r.stderr}`);
    process.stderr.write(`[lsp harness] build reported errors outside the server bundle; using the fresh dist/server.js\n${r.stderr.slice(0, 400)}\n`);
  }
  built = true;
}

/** Builds dist/server.js (once per process) for tests that spawn the server themselves. */
export async function ensureServerBuilt(): Promise<void> {
  await withBuildLock(async () => buildOnce());
}

export interface StartOptions {
  /** Values for workspace/configuration, keyed by section ('ncp'); omitted: the client says it has no configuration support. */
  settings?: Record<string, unknown>;
  initializationOptions?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  env?: Record<string, string>;
  /** Extra command-line arguments, e.g. to start through the CLI. */
  command?: string[];
}

export interface LspClient {
  conn: MessageConnection;
  proc: ChildProcess;
  init: InitializeResult;
  /** Everything the server wrote to stderr and window/logMessage, for assertions and post-mortems. */
  log: string[];
  /** Server-to-client requests seen, by method (e.g. workspace/inlayHint/refresh). */
  serverRequests: Map<string, number>;
  request<R>(method: string, params: unknown): Promise<R>;
  open(uri: string, text: string): Promise<PublishDiagnosticsParams>;
  /** Full-text change; resolves with the diagnostics published for the new version. */
  change(uri: string, text: string): Promise<PublishDiagnosticsParams>;
  /** Incremental change of one range. */
  edit(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): Promise<PublishDiagnosticsParams>;
  text(uri: string): string;
  version(uri: string): number;
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  alive(): boolean;
  stop(): Promise<void>;
}

export async function startClient(opts: StartOptions = {}): Promise<LspClient> {
  return withBuildLock(async () => {
    buildOnce();
    const args = opts.command ?? [serverPath, '--stdio'];
    const proc = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const log: string[] = [];
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (d: string) => log.push(d));
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const diagWaiters = new Map<string, { version: number; resolve: (p: PublishDiagnosticsParams) => void }[]>();
    const docs = new Map<string, { text: string; version: number }>();
    const serverRequests = new Map<string, number>();
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const ws = diagWaiters.get(p.uri) ?? [];
      const keep = ws.filter((w) => {
        if (p.version === undefined || p.version >= w.version) {
          w.resolve(p);
          return false;
        }
        return true;
      });
      diagWaiters.set(p.uri, keep);
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => {
      log.push(p.message);
    });
    conn.onNotification((method: string) => {
      serverRequests.set(method, (serverRequests.get(method) ?? 0) + 1);
    });
    conn.onRequest((method: string, params: unknown) => {
      serverRequests.set(method, (serverRequests.get(method) ?? 0) + 1);
      if (method === 'workspace/configuration') {
        const items = (params as { items: { section?: string }[] }).items;
        return items.map((it) => {
          let v: unknown = opts.settings;
          for (const part of (it.section ?? '').split('.').filter(Boolean)) v = (v as Record<string, unknown> | undefined)?.[part];
          return v ?? null;
        });
      }
      return null;
    });
    conn.listen();
    let exited = false;
    proc.on('exit', () => {
      exited = true;
    });
    const capabilities: ClientCapabilities = opts.capabilities ?? {
      workspace: { configuration: opts.settings !== undefined, inlayHint: { refreshSupport: true }, workspaceEdit: { documentChanges: false } },
      textDocument: {
        publishDiagnostics: { versionSupport: true, relatedInformation: true },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        completion: { completionItem: { snippetSupport: true } },
        documentSymbol: { hierarchicalDocumentSymbolSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite'] } } },
        rename: { prepareSupport: true },
      },
    };
    const init = (await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions: { diagnosticsDelayMs: 0, ...opts.initializationOptions },
    })) as InitializeResult;
    await conn.sendNotification('initialized', {});

    const waitDiag = (uri: string, version: number) =>
      new Promise<PublishDiagnosticsParams>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within 30 s; server log:\n${log.join('').slice(-2000)}`)), 30_000);
        const list = diagWaiters.get(uri) ?? [];
        list.push({ version, resolve: (p) => (clearTimeout(timer), resolve(p)) });
        diagWaiters.set(uri, list);
      });

    const client: LspClient = {
      conn,
      proc,
      init,
      log,
      serverRequests,
      request: <R>(method: string, params: unknown) => conn.sendRequest(method, params) as Promise<R>,
      async open(uri, text) {
        docs.set(uri, { text, version: 1 });
        const p = waitDiag(uri, 1);
        await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'ncp', version: 1, text } });
        return p;
      },
      async change(uri, text) {
        const d = docs.get(uri)!;
        d.version++;
        d.text = text;
        const p = waitDiag(uri, d.version);
        await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: d.version }, contentChanges: [{ text }] });
        return p;
      },
      async edit(uri, range, text) {
        const d = docs.get(uri)!;
        d.version++;
        const doc = TextDocument.create(uri, 'ncp', d.version, d.text);
        d.text = TextDocument.applyEdits(doc, [{ range, newText: text }]);
        const p = waitDiag(uri, d.version);
        await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: d.version }, contentChanges: [{ range, text }] });
        return p;
      },
      text: (uri) => docs.get(uri)!.text,
      version: (uri) => docs.get(uri)!.version,
      async waitFor(pred, timeoutMs = 30_000) {
        const t0 = Date.now();
        while (!pred()) {
          if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for a condition');
          await sleep(20);
        }
      },
      alive: () => !exited && proc.exitCode === null,
      async stop() {
        if (!exited) {
          try {
            await Promise.race([conn.sendRequest('shutdown'), sleep(2000)]);
            await conn.sendNotification('exit');
          } catch {
            /* already gone */
          }
          await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(2000)]);
          if (!exited) proc.kill();
        }
        conn.dispose();
      },
    };
    return client;
  });
}

/** Applies LSP text edits to a text (as an editor would). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.ncp', 'ncp', 1, text), edits);
}

/** The edits a WorkspaceEdit makes to one document (changes or documentChanges form). */
export function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const dc of edit.documentChanges ?? []) {
    if ('textDocument' in dc && dc.textDocument.uri === uri) out.push(...(dc.edits as TextEdit[]));
  }
  return out;
}

/** Position (line, character) of the n-th occurrence of `needle` in `text`, plus `offset` characters. */
export function positionOf(text: string, needle: string, offset = 0, nth = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' not found`);
  }
  const doc = TextDocument.create('file:///x.ncp', 'ncp', 1, text);
  return doc.positionAt(i + offset);
}

/** A models folder whose manifest is valid but whose one setting file is truncated JSON. */
export function corruptModelsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ncp-models-'));
  writeFileSync(join(dir, 'seg.json'), '{"truncated": ');
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ format: SET_FORMAT, formatVersion: FORMAT_VERSION, version: 'broken', settings: { seg: { file: 'seg.json', sha256: '0'.repeat(64) } } }),
  );
  return dir;
}

export interface PredictorStatus {
  kind: string;
  backend?: string;
  settings?: string[];
}

/** Polls ncp/status until the server's predictors have loaded or failed (or the time is up). */
export async function waitForPredictors(client: LspClient, timeoutMs = 60_000): Promise<PredictorStatus> {
  const t0 = performance.now();
  let st = (await client.request<{ predictors: PredictorStatus }>('ncp/status', null)).predictors;
  while ((st.kind === 'loading' || st.kind === 'idle') && performance.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 50));
    st = (await client.request<{ predictors: PredictorStatus }>('ncp/status', null)).predictors;
  }
  return st;
}

/** Resident and peak memory of a process in MB (Linux /proc). */
export function rssMB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}
