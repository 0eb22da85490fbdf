// The standard LSP providers, registered on the connection in one place: each runs on the
// document's current analysis through `withContext` (a throwing provider answers empty).
import { ErrorCodes, ResponseError, type SemanticTokens, type SemanticTokensDelta, type ServerCapabilities } from 'vscode-languageserver';
import type { ServerServices, WithContext } from '../protocol';
import { versionedEdit } from '../documents/documentEdit';
import { hover } from './hover';
import { completion } from './completion';
import { documentSymbols } from './symbols';
import { foldingRanges } from './folding';
import { formatDocument } from './formatting';
import { SEMANTIC_LEGEND, SemanticTokensService, semanticTokensRange } from './semanticTokens';
import { definition, prepareRename, references, rename, RenameError } from './names';
import { inlayHints } from './inlayHints';
import { CODE_ACTION_KINDS, codeActions } from './codeActions';
import { codeLenses } from './codeLens';

/** What the providers below advertise at initialize. */
export const LSP_CAPABILITIES: ServerCapabilities = {
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
};

/** Registers the providers; what they keep per document is dropped by the returned `forget` when it closes. */
export function registerLspFeatures({ connection, log }: ServerServices, withContext: WithContext): { forget(uri: string): void } {
  // The last whole-document token answer per document, for deltas.
  const tokens = new SemanticTokensService();
  connection.onHover((p, token) => withContext(p.textDocument.uri, null, (ctx) => hover(ctx, ctx.doc.offsetAt(p.position), token)));
  connection.onCompletion((p, token) => withContext(p.textDocument.uri, [], (ctx) => (token.isCancellationRequested ? [] : completion(ctx, ctx.doc.offsetAt(p.position)))));
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
  connection.languages.inlayHint.on((p, token) =>
    withContext(p.textDocument.uri, [], (ctx) => (token.isCancellationRequested ? [] : inlayHints(ctx, ctx.doc.offsetAt(p.range.start), ctx.doc.offsetAt(p.range.end)))),
  );
  connection.onCodeAction((p) => withContext(p.textDocument.uri, [], (ctx) => codeActions(ctx, p, log)));
  connection.onCodeLens((p) => withContext(p.textDocument.uri, [], (ctx) => codeLenses(ctx, log)));
  return { forget: (uri) => tokens.forget(uri) };
}
