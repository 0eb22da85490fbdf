// The shape of a document's analysis (types only), apart from analyze.ts so that the modules
// analyze.ts uses (semantic.ts, compactStructured.ts) can name it without importing analyze.ts
// back (no import circle). analyze.ts re-exports both types.
import type { IToken } from 'chevrotain';
import type { CellDecl, Declaration, NcpDocument, NetworkDecl, PropagateDecl, Range } from './ast';
import type { NcpDiagnostic } from './diagnostics';
import type { LineIndex } from './positions';

/** One occurrence of a declared name: where it is declared, or where it is used (`from NAME`). */
export interface NameReference {
  name: string;
  range: Range;
  kind: 'definition' | 'reference';
  /** What the name is or refers to (undefined for a use of an undefined name). */
  target?: Declaration;
  /** For a use: the propagation it appears in. */
  in?: PropagateDecl;
}

export interface DocumentAnalysis {
  text: string;
  ast: NcpDocument;
  diagnostics: NcpDiagnostic[];
  /** First declaration of each name (duplicates are diagnosed). */
  networks: Map<string, NetworkDecl>;
  cells: Map<string, CellDecl>;
  propagations: PropagateDecl[];
  /** Every definition and use of a network/cell/propagation name, in source order. */
  references: NameReference[];
  /** Whether the text has syntax errors (the formatter refuses then). */
  hasSyntaxErrors: boolean;
  lines: LineIndex;
  /**
   * Non-comment tokens and comment tokens of the lexer. Computed on each read (the text is lexed
   * again): an analysis keeps no token list, which for a large document is millions of objects.
   * Features that need tokens lex only the part they need (semantic tokens by range).
   */
  readonly tokens: IToken[];
  readonly comments: IToken[];
}
