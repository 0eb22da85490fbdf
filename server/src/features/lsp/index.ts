// The standard LSP providers, registered on the connection in one place: each runs on the
// document's current analysis through `withContext` (a throwing provider answers empty).
import { ErrorCodes, ResponseError, type ServerCapabilities } from 'vscode-languageserver';
import type { ServerServices, WithContext } from '../protocol';
import { versionedEdit } from '../documents/documentEdit';
import { hover } from './hover';
import { completion } from './completion';
import { documentSymbols } from './symbols';
import { foldingRanges } from './folding';
import { formatDocument } from './formatting';
import { SEMANTIC_LEGEND, semanticTokens, semanticTokensRange } from './semanticTokens';
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
  semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: true },
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  inlayHintProvider: true,
  codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS },
  codeLensProvider: { resolveProvider: false },
};

export function registerLspFeatures({ connection, log }: ServerServices, withContext: WithContext): void {
  connection.onHover((p) => withContext(p.textDocument.uri, null, (ctx) => hover(ctx, ctx.doc.offsetAt(p.position))));
  connection.onCompletion((p) => withContext(p.textDocument.uri, [], (ctx) => completion(ctx, ctx.doc.offsetAt(p.position))));
  connection.onDocumentSymbol((p) => withContext(p.textDocument.uri, [], (ctx) => documentSymbols(ctx.analysis.ast)));
  connection.onFoldingRanges((p) => withContext(p.textDocument.uri, [], (ctx) => foldingRanges(ctx.analysis.ast)));
  connection.onDocumentFormatting((p) => withContext(p.textDocument.uri, [], (ctx) => formatDocument(ctx)));
  connection.languages.semanticTokens.on((p) => withContext(p.textDocument.uri, { data: [] }, (ctx) => semanticTokens(ctx.analysis)));
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
}
