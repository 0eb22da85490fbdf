// Go to definition, find references and rename for network and cell names (a declaration's name
// and every `from NAME` that refers to it) and for propagation names (their declaration only).
import type { Location, Range as LspRange, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { NcpDocument, Range } from '../../language/ast';
import { contains, declarationAt, lspRange } from '../documents/util';

export interface NameOccurrence {
  name: string;
  range: Range;
  isDeclaration: boolean;
  /** Networks and cells share one namespace; propagations have their own. */
  space: 'network' | 'propagation';
}

/** The network/cell name under the cursor (a declaration's name or a `from` reference). */
export function nameAt(doc: NcpDocument, offset: number): NameOccurrence | undefined {
  const d = declarationAt(doc, offset);
  if (!d) return undefined;
  if (d.name && contains(d.nameRange, offset)) {
    return { name: d.name, range: d.nameRange, isDeclaration: true, space: d.kind === 'propagate' ? 'propagation' : 'network' };
  }
  if (d.kind === 'propagate' && d.from && contains(d.from.range, offset)) return { name: d.from.text, range: d.from.range, isDeclaration: false, space: 'network' };
  return undefined;
}

/** Every occurrence of a name in its namespace: declaration(s) first, then the references. */
export function occurrences(doc: NcpDocument, name: string, space: NameOccurrence['space'] = 'network'): NameOccurrence[] {
  const decls: NameOccurrence[] = [];
  const refs: NameOccurrence[] = [];
  for (const d of doc.declarations) {
    if (d.name === name && (d.kind === 'propagate') === (space === 'propagation')) decls.push({ name, range: d.nameRange, isDeclaration: true, space });
    if (space === 'network' && d.kind === 'propagate' && d.from?.text === name) refs.push({ name, range: d.from.range, isDeclaration: false, space });
  }
  return [...decls, ...refs];
}

export function definition(doc: NcpDocument, uri: string, offset: number): Location[] {
  const at = nameAt(doc, offset);
  if (!at) return [];
  return occurrences(doc, at.name, at.space)
    .filter((o) => o.isDeclaration)
    .map((o) => ({ uri, range: lspRange(o.range) }));
}

export function references(doc: NcpDocument, uri: string, offset: number, includeDeclaration: boolean): Location[] {
  const at = nameAt(doc, offset);
  if (!at) return [];
  return occurrences(doc, at.name, at.space)
    .filter((o) => includeDeclaration || !o.isDeclaration)
    .map((o) => ({ uri, range: lspRange(o.range) }));
}

export function prepareRename(doc: NcpDocument, offset: number): { range: LspRange; placeholder: string } | null {
  const at = nameAt(doc, offset);
  return at ? { range: lspRange(at.range), placeholder: at.name } : null;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const KEYWORDS = new Set(['network', 'cell', 'propagate', 'from', 'stem', 'stage', 'head', 'blocks', 'units', 'channels', 'maximize', 'flops', 'params', 'lambda', 'strategy', 'steps', 'lr', 'restarts', 'seed', 'input']);

export class RenameError extends Error {}

export function rename(doc: NcpDocument, uri: string, offset: number, newName: string): WorkspaceEdit | null {
  const at = nameAt(doc, offset);
  if (!at) return null;
  if (!IDENT.test(newName)) throw new RenameError(`'${newName}' is not a valid name (letters, digits, '_' and '-', not starting with a digit)`);
  if (KEYWORDS.has(newName)) throw new RenameError(`'${newName}' is a keyword`);
  if (newName !== at.name && doc.declarations.some((d) => d.name === newName && (d.kind === 'propagate') === (at.space === 'propagation'))) {
    throw new RenameError(`a ${at.space === 'propagation' ? 'propagation' : 'network or cell'} named '${newName}' already exists`);
  }
  const edits: TextEdit[] = occurrences(doc, at.name, at.space).map((o) => ({ range: lspRange(o.range), newText: newName }));
  return { changes: { [uri]: edits } };
}
