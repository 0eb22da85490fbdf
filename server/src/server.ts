// Language server entry point (stdio or node IPC, chosen by the command-line flags that
// vscode-languageserver understands: --stdio, --node-ipc, --socket=N). Standard LSP only, so any
// editor can use it. Wiring: connection → documents → analysis cache (one analysis per document
// version, shared by every feature) → features. Diagnostics are debounced per document and never
// wait for the predictors, which load lazily in the background.
import {
  TextDocuments,
  TextDocumentSyncKind,
  ResponseError,
  ErrorCodes,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type SemanticTokens,
  type SemanticTokensDelta,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { analyzeText, type DocumentAnalysis } from './language/analyze';
import { DEFAULT_SETTINGS, normalizeSettings, type NcpSettings } from './features/config';
import { PredictionService, type PredictorState } from './features/predictions';
import { BenchmarkLookup } from './features/benchmarkLookup';
import { loadPredictors, useModelsCatalogue } from './features/predictorLoader';
import packageJson from '../../package.json';
import type { FeatureContext } from './features/context';
import { toLspDiagnostics } from './features/diagnostics';
import { IncrementalAnalyzer } from './features/incrementalAnalysis';
import { RELEASE_MIN_CHARS, releaseMemorySoon } from './features/memory';
import { hover } from './features/hover';
import { completion } from './features/completion';
import { documentSymbols } from './features/symbols';
import { foldingRanges } from './features/folding';
import { formatDocument } from './features/formatting';
import { SEMANTIC_LEGEND, SemanticTokensService, semanticTokensRange } from './features/semanticTokens';
import { definition, prepareRename, references, rename, RenameError } from './features/names';
import { inlayHints } from './features/inlayHints';
import { CODE_ACTION_KINDS, codeActions } from './features/codeActions';
import { codeLenses } from './features/codeLens';
import { commandHandlers, requestHandlers, type ServerServices } from './features/extensions';
import { setDocumentChangesSupport, versionedEdit } from './features/documentEdit';
import { forgetDocument } from './features/propagationRun';
import { createServerConnection } from './transport/connection';

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
}

// Short: analysis is incremental, so a keystroke costs little; the delay only merges bursts.
const DEFAULT_DELAY_MS = 10;

/** A document with every construct, analysed once at start-up to warm the parser. */
const WARM_UP_TEXT = Array.from({ length: 40 }, (_, i) =>
  [
    `network w${i} {\n  stem 64 64\n  stage 1 blocks 1 units [4] channels [64]\n  stage 2 blocks 1 units [4, 4] channels [32, 64]`,
    `  stage 3 blocks 4 units [4, 4, 4] channels [32, 64, 128]\n  stage 4 blocks 3 units [4, 4, 4, 4] channels [32, 64, 128, 128]\n  head 128\n}`,
    `network s${i} = "32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-128" // c`,
    `network l${i} = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]`,
    `cell c${i} = "|nor_conv_1x1~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|"`,
    `propagate p${i} from w${i} {\n  maximize 0.5 * seg.mIoU\n  flops <= 2.5 G\n  lambda 0.5\n  strategy winner-takes-all\n  steps 70\n}`,
  ].join('\n'),
).join('\n');

/** One analysis per document version; every feature reads it from here. */
class AnalysisCache {
  private readonly entries = new Map<string, { version: number; analysis: DocumentAnalysis }>();
  /** Analyses computed since start (exposed for tests through `ncp/status`). */
  computed = 0;
  private incremental = new IncrementalAnalyzer();

  constructor(private readonly log: (m: string) => void) {}

  get(doc: TextDocument): DocumentAnalysis {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version) return hit.analysis;
    const analysis = this.analyze(doc);
    this.entries.set(doc.uri, { version: doc.version, analysis });
    return analysis;
  }

  private analyze(doc: TextDocument): DocumentAnalysis {
    this.computed++;
    try {
      return this.incremental.analyze(doc.uri, doc.getText());
    } catch (e) {
      this.incremental.forget(doc.uri);
      // A bug in the analysis must cost this document its features, not the server its life.
      this.log(`analysis of ${doc.uri} v${doc.version} failed: ${(e as Error).stack ?? e}`);
      return analyzeText('');
    }
  }

  setIncrementalMinChars(n: number): void {
    this.incremental = new IncrementalAnalyzer(n);
  }

  delete(uri: string): void {
    this.entries.delete(uri);
    this.incremental.forget(uri);
  }
}

export function startServer(connection: Connection = createServerConnection()): Promise<number> {
  const documents = new TextDocuments(TextDocument);
  const log = (m: string) => connection.console.log(m);
  const cache = new AnalysisCache(log);
  const tokens = new SemanticTokensService();
  const predictions = new PredictionService((backend) => loadPredictors(backend, initOptions.modelsDir), log);
  const benchmark = new BenchmarkLookup(log);
  let settings: NcpSettings = DEFAULT_SETTINGS;
  let initOptions: InitOptions = {};
  let configSupport = false;
  let hintRefreshSupport = false;
  let workspaceRoot: string | undefined;
  const timers = new Map<string, NodeJS.Timeout>();

  const contextFor = (uri: string): FeatureContext | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    return { uri, doc, analysis: cache.get(doc), settings, predictions, benchmark, workspaceRoot };
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
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: toLspDiagnostics(analysis) });
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
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['.', ' '] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: { delta: true }, range: true },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        inlayHintProvider: true,
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS },
        codeLensProvider: { resolveProvider: false },
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
    tokens.forget(e.document.uri);
    forgetDocument(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onHover((p) => withContext(p.textDocument.uri, null, (ctx) => hover(ctx, ctx.doc.offsetAt(p.position))));
  connection.onCompletion((p) => withContext(p.textDocument.uri, [], (ctx) => completion(ctx, ctx.doc.offsetAt(p.position))));
  connection.onDocumentSymbol((p, token) => withContext(p.textDocument.uri, [], (ctx) => documentSymbols(ctx.analysis.ast, token)));
  connection.onFoldingRanges((p) => withContext(p.textDocument.uri, [], (ctx) => foldingRanges(ctx.analysis.ast)));
  connection.onDocumentFormatting((p, token) => withContext(p.textDocument.uri, [], (ctx) => formatDocument(ctx, token)));
  connection.languages.semanticTokens.on((p, token) =>
    withContext(p.textDocument.uri, { data: [] }, (ctx) => (token.isCancellationRequested ? { data: [] } : tokens.full(ctx.uri, ctx.analysis))),
  );
  connection.languages.semanticTokens.onDelta((p, token) =>
    withContext<SemanticTokens | SemanticTokensDelta>(p.textDocument.uri, { edits: [] }, (ctx) =>
      token.isCancellationRequested ? { edits: [] } : tokens.delta(ctx.uri, ctx.analysis, p.previousResultId),
    ),
  );
  connection.languages.semanticTokens.onRange((p) =>
    withContext(p.textDocument.uri, { data: [] }, (ctx) => semanticTokensRange(ctx.analysis, p.range.start.line, p.range.end.line)),
  );
  connection.onDefinition((p) => withContext(p.textDocument.uri, [], (ctx) => definition(ctx.analysis.ast, ctx.uri, ctx.doc.offsetAt(p.position))));
  connection.onReferences((p) =>
    withContext(p.textDocument.uri, [], (ctx) => references(ctx.analysis.ast, ctx.uri, ctx.doc.offsetAt(p.position), p.context.includeDeclaration)),
  );
  connection.onPrepareRename((p) => withContext(p.textDocument.uri, null, (ctx) => prepareRename(ctx.analysis.ast, ctx.doc.offsetAt(p.position))));
  connection.onRenameRequest((p) =>
    withContext(p.textDocument.uri, null, (ctx) => {
      try {
        const edit = rename(ctx.analysis.ast, ctx.uri, ctx.doc.offsetAt(p.position), p.newName);
        return edit ? versionedEdit(ctx.uri, ctx.doc.version, edit.changes?.[ctx.uri] ?? []) : edit;
      } catch (e) {
        if (e instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidParams, e.message);
        throw e;
      }
    }),
  );
  connection.languages.inlayHint.on((p) =>
    withContext(p.textDocument.uri, [], (ctx) => inlayHints(ctx, ctx.doc.offsetAt(p.range.start), ctx.doc.offsetAt(p.range.end))),
  );
  connection.onCodeAction((p) => withContext(p.textDocument.uri, [], (ctx) => codeActions(ctx, p, log)));
  connection.onCodeLens((p) => withContext(p.textDocument.uri, [], (ctx) => codeLenses(ctx, log)));

  const services: ServerServices = { connection, contextFor, settings: () => settings, predictions, log };
  connection.onRequest('ncp/status', () => ({ predictors: predictions.state, analyses: cache.computed, settings }));
  for (const h of requestHandlers) connection.onRequest(h.method, (params: unknown) => h.handle(params, services));
  connection.onExecuteCommand((p) => {
    const h = commandHandlers.find((c) => c.command === p.command);
    if (!h) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command '${p.command}'`);
    return h.execute(p.arguments ?? [], services);
  });

  // Last line of defence: a stray exception in a timer or promise is logged, never fatal.
  process.on('uncaughtException', (e) => log(`uncaught exception: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => log(`unhandled rejection: ${(e as Error)?.stack ?? e}`));

  documents.listen(connection);
  connection.listen();
  return new Promise<number>((resolve) => connection.onExit(() => resolve(0)));
}

// Started directly (dist/server.js, or this file through tsx); `ncp lsp` calls startServer itself.
if (/(^|[\\/])server\.(js|ts|cjs|mjs)$/.test(process.argv[1] ?? '')) startServer();
