// Finds the network or propagate block under the cursor from the server's document symbols
// (networks are Class symbols, propagate blocks Function symbols: server/src/features/lsp/symbols.ts),
// and offers a quick pick of the file's declarations when the cursor is on none.
import * as vscode from 'vscode';
import { ncpTextEditor } from '../lastNcpEditor';

export type DeclKind = 'network' | 'propagate';
const SYMBOL_KIND: Record<DeclKind, vscode.SymbolKind> = { network: vscode.SymbolKind.Class, propagate: vscode.SymbolKind.Function };

export interface Target {
  editor: vscode.TextEditor;
  name: string;
}

async function symbolsOf(doc: vscode.TextDocument, kind: DeclKind): Promise<vscode.DocumentSymbol[]> {
  const all = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri);
  // Unnamed declarations have a placeholder name in parentheses; they cannot be run.
  return (all ?? []).filter((s) => s.kind === SYMBOL_KIND[kind] && 'range' in s && !s.name.startsWith('('));
}

/**
 * The active .ncp editor, else the last active one (a command link in the walkthrough leaves no
 * active text editor: lastNcpEditor.ts), or a message saying one is needed.
 */
export async function ncpEditor(): Promise<vscode.TextEditor | undefined> {
  const editor = await ncpTextEditor();
  if (editor) return editor;
  void vscode.window.showWarningMessage('NCP: open a .ncp file first.');
  return undefined;
}

/**
 * The declaration of this kind under the cursor, else a quick pick of the file's declarations of
 * this kind (just that one when there is only one); undefined when there is none or the user cancels.
 */
export async function pickDeclaration(kind: DeclKind, verb: string): Promise<Target | undefined> {
  const editor = await ncpEditor();
  if (!editor) return undefined;
  const symbols = await symbolsOf(editor.document, kind);
  const here = symbols.find((s) => s.range.contains(editor.selection.active));
  if (here) return { editor, name: here.name };
  const noun = kind === 'network' ? 'network' : 'propagate block';
  if (symbols.length === 0) {
    void vscode.window.showWarningMessage(`NCP: this file has no valid ${noun} to ${verb}.`);
    return undefined;
  }
  if (symbols.length === 1) return { editor, name: symbols[0]!.name };
  const choice = await vscode.window.showQuickPick(
    symbols.map((s) => ({ label: s.name, description: s.detail, detail: `line ${s.range.start.line + 1}` })),
    { title: `NCP: ${noun} to ${verb}`, placeHolder: `The cursor is on no ${noun}: pick one` },
  );
  return choice ? { editor, name: choice.label } : undefined;
}
