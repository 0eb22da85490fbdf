// Language server entry point (stdio or node IPC, chosen by the command-line flags that
// vscode-languageserver understands: --stdio, --node-ipc, --socket=N). Standard LSP only, so any
// editor can use it. Wiring: connection → documents → analysis cache (one analysis per document
// version, shared by every feature) → features. Diagnostics are debounced per document and never
// wait for the predictors, which load lazily in the background.
import {
  TextDocuments,
  TextDocumentSyncKind,
  ResponseError,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { analyzeText } from './language/analyze';
import { DEFAULT_SETTINGS, normalizeSettings, type NcpSettings } from './features/documents/config';
import { PredictionService, type PredictorState } from './features/predictors/predictions';
import { BenchmarkLookup } from './features/predictors/benchmarkLookup';
import { loadPredictors, useModelsCatalogue } from './features/predictors/predictorLoader';
import packageJson from '../../package.json';
import type { FeatureContext } from './features/documents/context';
import { AnalysisCache, WARM_UP_TEXT } from './features/documents/analysisCache';
import { toLspDiagnostics } from './features/lsp/diagnostics';
import { RELEASE_MIN_CHARS, collectIfGrown, releaseMemorySoon } from './features/documents/memory';
import { setDocumentChangesSupport } from './features/documents/documentEdit';
import { forgetDocument } from './features/propagation/propagationRun';
import type { ServerServices } from './features/protocol';
import { LSP_CAPABILITIES, registerLspFeatures } from './features/lsp';
import { commandHandlers, registerCustomFeatures } from './features/extensions';
import { createServerConnection } from './transport/connection';
import { setWorkspaceTrusted, stopAllSearches } from './features/search/searchRun';
import { OwnSettingsService } from './features/search/ownSettingsService';
import { DOCUMENT_PREDICTORS, type DocumentPredictors } from './features/predictors/documentPredictorsProtocol';

/** Options an editor (or a test) may pass in initializationOptions. */
interface InitOptions {
  /** Debounce of diagnostics after a change, in ms (default 10; tests use 0). */
  diagnosticsDelayMs?: number;
  /** Settings to use when the client does not support workspace/configuration. */
  settings?: unknown;
  /** Skip loading predictors (e.g. clients that never show hints). */
  predictors?: boolean;
  /** Folder of the predictor set (default: NCP_MODELS_DIR, else the shipped models). */
  modelsDir?: string;
  /** Documents from this size (characters) on are analysed incrementally (tests lower it). */
  incrementalMinChars?: number;
  /** Whether the workspace is trusted: "Run search" runs a block's command only then (default false). */
  trusted?: boolean;
}

// Short: analysis is incremental, so a keystroke costs little; the delay only merges bursts.
const DEFAULT_DELAY_MS = 10;

export function startServer(connection: Connection = createServerConnection()): Promise<number> {
  const documents = new TextDocuments(TextDocument);
  const log = (m: string) => connection.console.log(m);
  const cache = new AnalysisCache(log);
  const predictions = new PredictionService((backend) => loadPredictors(backend, initOptions.modelsDir), log);
  const benchmark = new BenchmarkLookup(log);
  let settings: NcpSettings = DEFAULT_SETTINGS;
  let initOptions: InitOptions = {};
  let configSupport = false;
  let hintRefreshSupport = false;
  let workspaceRoot: string | undefined;
  const timers = new Map<string, NodeJS.Timeout>();
  // Settings of one's own from measurements files: known in the documents that name the file,
  // predicted by transfer models fitted in a worker (features/search/ownSettingsService.ts).
  const own = new OwnSettingsService(
    {
      modelsDir: () => initOptions.modelsDir ?? (process.env.NCP_MODELS_DIR || undefined),
      sourceSet: () => predictions.predictorSet(settings.predictor.backend),
      log,
    },
    {
      fileChanged(uris) {
        for (const uri of uris) {
          cache.invalidate(uri);
          schedule(uri);
        }
      },
      modelsChanged(uris) {
        refreshHints();
        for (const uri of uris) void connection.sendNotification(DOCUMENT_PREDICTORS, { uri, models: own.status(uri) } satisfies DocumentPredictors);
      },
    },
    log,
  );
  cache.extend((uri, a) => own.extend(uri, a));

  const contextFor = (uri: string): FeatureContext | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    return { uri, doc, analysis: cache.get(doc), settings, predictions, benchmark, workspaceRoot, own };
  };

  /** Runs a request handler on the current analysis; a throwing feature answers with an empty result. */
  function withContext<R>(uri: string, empty: R, fn: (ctx: FeatureContext) => R | Promise<R>): Promise<R> | R {
    const ctx = contextFor(uri);
    if (!ctx) return empty;
    try {
      const r = fn(ctx);
      return r instanceof Promise ? r.catch((e: unknown) => fail(e, empty)) : r;
    } catch (e) {
      return fail(e, empty);
    }
  }
  function fail<R>(e: unknown, empty: R): R {
    if (e instanceof ResponseError) throw e;
    log(`request failed: ${(e as Error).stack ?? e}`);
    return empty;
  }

  function publish(uri: string): void {
    timers.delete(uri);
    const doc = documents.get(uri);
    if (!doc) return;
    try {
      const analysis = cache.get(doc);
      // a collection, when one is due, once the diagnostics are written (not before they leave)
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: toLspDiagnostics(analysis) }).then(collectIfGrown, () => undefined);
      // Load the predictors only once diagnostics are out: importing tfjs takes the thread for a while.
      if (predictions.state.kind === 'idle') setTimeout(startPredictors, 50);
    } catch (e) {
      log(`diagnostics of ${uri} failed: ${(e as Error).stack ?? e}`);
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [] });
    }
  }

  function schedule(uri: string): void {
    const old = timers.get(uri);
    if (old) clearTimeout(old);
    const delay = initOptions.diagnosticsDelayMs ?? DEFAULT_DELAY_MS;
    timers.set(uri, setTimeout(() => publish(uri), Math.max(0, delay)));
  }

  async function refreshSettings(pushed?: unknown): Promise<void> {
    const before = JSON.stringify(settings);
    try {
      if (configSupport) settings = normalizeSettings(await connection.workspace.getConfiguration('ncp'));
      else if (pushed !== undefined) settings = normalizeSettings(pushed);
      else settings = normalizeSettings(initOptions.settings);
    } catch (e) {
      log(`could not read the ncp settings, using defaults: ${(e as Error).message}`);
      settings = DEFAULT_SETTINGS;
    }
    if (JSON.stringify(settings) === before) return;
    // Another backend: load again with it (a load in progress finishes first and is kept).
    const prev = JSON.parse(before) as NcpSettings;
    if (prev.predictor.backend !== settings.predictor.backend && (predictions.state.kind === 'ready' || predictions.state.kind === 'failed')) {
      predictions.reset();
      startPredictorsIfOpen();
    }
    refreshHints();
  }

  function refreshHints(): void {
    if (hintRefreshSupport) connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  function startPredictors(): void {
    if (initOptions.predictors === false) return;
    predictions.ensureLoading(settings.predictor.backend);
  }

  predictions.onStateChange((state: PredictorState) => {
    void connection.sendNotification('ncp/predictorState', state);
    if (state.kind === 'ready') refreshHints();
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    initOptions = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof initOptions.incrementalMinChars === 'number') cache.setIncrementalMinChars(initOptions.incrementalMinChars);
    setWorkspaceTrusted(initOptions.trusted === true);
    configSupport = params.capabilities.workspace?.configuration === true;
    hintRefreshSupport = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    setDocumentChangesSupport(params.capabilities.workspace?.workspaceEdit?.documentChanges === true);
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (folder?.startsWith('file:')) workspaceRoot = fileURLToPath(folder);
    if (!configSupport) settings = normalizeSettings(initOptions.settings);
    useModelsCatalogue(initOptions.modelsDir);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...LSP_CAPABILITIES,
        executeCommandProvider: commandHandlers.length > 0 ? { commands: commandHandlers.map((c) => c.command) } : undefined,
      },
      serverInfo: { name: 'ncp-language-server', version: packageJson.version },
    };
  });

  connection.onInitialized(() => {
    // Warm the parser (Chevrotain's self-analysis, first-run compilation) in idle time before the
    // first document arrives, so opening a file pays only for its own analysis. An editor that opens
    // a document at once (VS Code on activation) gets it analysed first instead: warming up then
    // would only delay its diagnostics (by ~150 ms, measured).
    setTimeout(() => {
      if (documents.all().length > 0) return;
      try {
        analyzeText(WARM_UP_TEXT);
      } catch (e) {
        log(`warm-up analysis failed: ${(e as Error).message}`);
      }
    }, 50);
    if (configSupport) {
      // Predictors start once the first diagnostics are out (publish): starting them here, when the
      // settings arrive, let tfjs take the thread before the first document's diagnostics (+200 ms).
      void refreshSettings();
    }
  });
  connection.onDidChangeConfiguration((p) => {
    void refreshSettings((p.settings as { ncp?: unknown } | undefined)?.ncp);
  });

  function startPredictorsIfOpen(): void {
    if (documents.all().length > 0) startPredictors();
  }

  documents.onDidOpen((e) => schedule(e.document.uri));
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    if (e.document.getText().length >= RELEASE_MIN_CHARS) releaseMemorySoon();
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    cache.delete(e.document.uri);
    own.forgetDocument(e.document.uri);
    lsp.forget(e.document.uri);
    forgetDocument(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  // Features: the standard providers (features/lsp), then the product's own requests and
  // commands (features/extensions.ts lists them, one line per capability).
  const services: ServerServices = { connection, contextFor, settings: () => settings, predictions, log };
  const lsp = registerLspFeatures(services, withContext);
  connection.onRequest('ncp/status', () => ({ predictors: predictions.state, analyses: cache.computed, settings }));
  // the transfer models a document uses (the client's status bar asks when the active editor changes)
  connection.onRequest(DOCUMENT_PREDICTORS, (p: { uri?: unknown }): DocumentPredictors => {
    const uri = typeof p?.uri === 'string' ? p.uri : '';
    const doc = documents.get(uri);
    if (doc) cache.get(doc);
    return { uri, models: own.status(uri) };
  });
  registerCustomFeatures(services);

  // Last line of defence: a stray exception in a timer or promise is logged, never fatal.
  process.on('uncaughtException', (e) => log(`uncaught exception: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => log(`unhandled rejection: ${(e as Error)?.stack ?? e}`));

  documents.listen(connection);
  connection.listen();
  return new Promise<number>((resolve) => connection.onExit(() => {
    stopAllSearches();
    own.dispose();
    resolve(0);
  }));
}

// Started directly (dist/server.js, or this file through tsx); `ncp lsp` calls startServer itself.
if (/(^|[\\/])server\.(js|ts|cjs|mjs)$/.test(process.argv[1] ?? '')) startServer();
