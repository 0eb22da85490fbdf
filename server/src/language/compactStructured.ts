// Structured networks kept compact in a large document's chunks. A structured network is a
// tree of clauses, fields, lists and numbers — about 75 ranges and 110 objects, ~10 KB, which
// made the tenth of a large document's networks written this way half of its memory. A valid
// network without diagnostics keeps only what every request reads (names, ranges, braces, code);
// its clauses and numbers are parsed again from its chunk's text when first read, and kept.
import type { DocumentAnalysis } from './analysis';
import type { NetworkClause, NetworkDecl, NetworkNumber, Range } from './ast';
import { analyzeNetwork } from './network';
import { parse } from './parser';
import { LineIndex, type LineSource } from './positions';

/** What a compact structured network keeps. */
export type CompactParts = Pick<NetworkDecl, 'name' | 'nameRange' | 'range' | 'keywordRange' | 'openBrace' | 'closeBrace' | 'code'>;

class CompactStructured implements NetworkDecl {
  readonly kind = 'network';
  readonly form = 'structured';
  name: string;
  nameRange: Range;
  range: Range;
  keywordRange: Range;
  openBrace: Range | undefined;
  closeBrace: Range | undefined;
  code: number[] | undefined;
  readonly #text: string;
  readonly #source: LineSource;
  #full: NetworkDecl | undefined;

  constructor(d: CompactParts, text: string, source: LineSource) {
    this.name = d.name;
    this.nameRange = d.nameRange;
    this.range = d.range;
    this.keywordRange = d.keywordRange;
    this.openBrace = d.openBrace;
    this.closeBrace = d.closeBrace;
    this.code = d.code;
    this.#text = text;
    this.#source = source;
  }

  #rebuilt(): NetworkDecl {
    if (this.#full) return this.#full;
    this.#full = this.expanded();
    return this.#full;
  }

  /** The full tree, made again and not kept (a pass over every network must not rebuild them all for good). */
  expanded(): NetworkDecl {
    if (this.#full) return this.#full;
    const source = this.#source;
    // The chunk's text parsed again into ranges of the chunk's source, made as the first parse
    // made them: at base 0 (parsing reads back the offsets of ranges it made; nothing else runs meanwhile).
    const lines = new LineIndex(this.#text);
    (lines as { source: LineSource }).source = source;
    const base = source.base;
    const start = this.range.startOffset - base;
    source.base = 0;
    let full: NetworkDecl | undefined;
    try {
      full = parse(this.#text, lines).document.declarations.find((d): d is NetworkDecl => d.kind === 'network' && d.range.startOffset === start);
      if (full) analyzeNetwork(full, lines, []);
    } finally {
      source.base = base;
    }
    if (!full) throw new Error(`network '${this.name}': its text no longer parses as it did`);
    return full;
  }

  get numbers(): NetworkNumber[] {
    return this.#rebuilt().numbers;
  }

  get clauses(): NetworkClause[] | undefined {
    return this.#rebuilt().clauses;
  }

  /** The parser's shape (tests compare analyses through JSON). */
  toJSON(): object {
    return {
      name: this.name,
      nameRange: this.nameRange,
      range: this.range,
      keywordRange: this.keywordRange,
      kind: this.kind,
      form: this.form,
      numbers: this.numbers,
      clauses: this.clauses,
      openBrace: this.openBrace,
      closeBrace: this.closeBrace,
      code: this.code,
    };
  }
}

/**
 * Replaces, in the analysis of `text` (made by analyzeText, nothing appended), each valid
 * structured network that no diagnostic touches by its compact form.
 */
export function compactStructured(a: DocumentAnalysis, text: string): void {
  const decls = a.ast.declarations;
  for (let k = 0; k < decls.length; k++) {
    const d = decls[k];
    if (d.kind !== 'network' || d.form !== 'structured' || !d.code || d.syntaxErrors || d instanceof CompactStructured) continue;
    const touched = a.diagnostics.some((x) => x.range.startOffset <= d.range.endOffset && x.range.endOffset >= d.range.startOffset);
    if (!touched) decls[k] = new CompactStructured(d, text, a.lines.source);
  }
}

/** Whether a declaration is a compact structured network (its clauses are rebuilt, and kept, when read). */
export function isCompactStructured(d: unknown): boolean {
  return d instanceof CompactStructured;
}

/** A compact structured network's full tree, not kept; any other declaration as it is. */
export function expandedStructured<D>(d: D): D | NetworkDecl {
  return d instanceof CompactStructured ? d.expanded() : d;
}

/** A compact structured network made from its parts (structuredFast.ts finds them without the parser). */
export function compactFrom(d: CompactParts, text: string, source: LineSource): NetworkDecl {
  return new CompactStructured(d, text, source);
}
