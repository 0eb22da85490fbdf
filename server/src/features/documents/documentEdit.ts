// Every edit the server makes to a document goes through here, pinned to the document version it
// was computed for: `workspace/applyEdit` with `documentChanges` and a versioned identifier, so an
// editor whose text moved on rejects it instead of applying it at a stale position. When that
// happens (the user typed while a run finished) the insertion point is recomputed on the current
// analysis — the source declaration found again by name — and the edit sent again; if the source
// is gone the edit is dropped with a message saying why. Shared by the propagation commands and
// any later feature that inserts a declaration (e.g. a "suggest next networks" lens).
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { FeatureContext } from './context';
import type { ServerServices } from '../protocol';

let documentChangesSupport = false;

/** Set at initialize from the client's `workspace.workspaceEdit.documentChanges` capability. */
export function setDocumentChangesSupport(supported: boolean): void {
  documentChangesSupport = supported;
}

/**
 * A WorkspaceEdit of one document for the version its edits were computed on. Clients without
 * documentChanges support get plain `changes` (the server then recomputes on its latest version).
 */
export function versionedEdit(uri: string, version: number, edits: TextEdit[]): WorkspaceEdit {
  if (!documentChangesSupport) return { changes: { [uri]: edits } };
  return { documentChanges: [{ textDocument: { uri, version }, edits }] };
}

export interface InsertOutcome {
  applied: boolean;
  /** The version the applied edit was computed for. */
  version?: number;
  /** The last edit sent (also when the client did not apply it). */
  edit?: WorkspaceEdit;
  /** Why nothing was written. */
  reason?: string;
}

/** Text to insert, or a function of the current document (e.g. to pick a name not yet taken). */
export type InsertText = string | ((ctx: FeatureContext) => string);

/** How many times an edit rejected as stale is recomputed on a newer version before giving up. */
const MAX_ATTEMPTS = 5;

/**
 * Inserts `text` as a new declaration right after the declaration named `sourceName`, in the
 * current version of the document (`version` is the one the text was computed for: when the
 * document changed since, the source is looked up again by name in the current analysis).
 */
export async function insertDeclarationAfter(
  services: ServerServices,
  uri: string,
  version: number,
  sourceName: string,
  text: InsertText,
  label = `Insert after ${sourceName}`,
): Promise<InsertOutcome> {
  let edit: WorkspaceEdit | undefined;
  let lastVersion = -1;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const ctx = services.contextFor(uri);
    if (!ctx) return { applied: false, edit, reason: 'the document was closed' };
    const src = ctx.analysis.ast.declarations.find((d) => (d.kind === 'network' || d.kind === 'cell' || d.kind === 'search') && d.name === sourceName);
    if (!src) {
      const when = ctx.doc.version === version ? '' : ' (the document changed meanwhile)';
      return { applied: false, edit, reason: `'${sourceName}' is no longer in the document${when}: nothing was inserted` };
    }
    const pos = ctx.doc.positionAt(src.range.endOffset);
    const newText = typeof text === 'string' ? text : text(ctx);
    edit = versionedEdit(uri, ctx.doc.version, [{ range: { start: pos, end: pos }, newText: `\n\n${newText}` }]);
    lastVersion = ctx.doc.version;
    const answer = await services.connection.workspace.applyEdit({ label, edit }).catch(() => undefined);
    if (answer?.applied) return { applied: true, version: ctx.doc.version, edit };
    // Rejected: when the server has seen a newer version since, the client's text moved on; retry on it.
    const now = services.contextFor(uri);
    if (!now || now.doc.version === lastVersion) {
      return { applied: false, edit, reason: answer?.failureReason ?? 'the client did not apply the edit' };
    }
  }
  return { applied: false, edit, reason: `the document kept changing (${MAX_ATTEMPTS} tries): nothing was inserted` };
}
