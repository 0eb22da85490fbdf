// A fast path for the commonest text of a large document: one network on one line,
// `network NAME = "…"` or `network NAME = [1, 2, …]` with plain integers, alone in the text
// (the incremental analysis analyses each declaration's chunk on its own). It builds the tree the
// Chevrotain parser builds, without tokens or a CST (lexing and parsing were most of a large
// document's first analysis). Anything else — a comment, a line break inside, a number with a
// sign, point or exponent, a syntax error — is left to the parser (undefined).
//
// A network without diagnostics is then kept compact: its 27 numbers (two objects each) are
// rebuilt from its text when first read. They were most of a large document's memory, and
// only hovers, semantic tokens and formatting read them, for the part of the document they show.
import type { NetworkDecl, NetworkForm, NetworkNumber, NumberList, Range } from './ast';
import type { NcpDiagnostic } from './diagnostics';
import { analyzeNetwork, type RangeMaker } from './network';
import { LineIndex, OffsetRange, NetNumber, type LineSource } from './positions';

const isBlank = (c: number): boolean => c === 32 || c === 9;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number): boolean => isNameStart(c) || isDigit(c);
/** The reserved words (`network`, `cell`, `propagate` lex as keywords, never as names). */
const RESERVED = new Set(['network', 'cell', 'propagate']);

/**
 * The declaration `text` holds, when it is exactly one simple one-line network (leading blanks
 * and trailing line breaks allowed), built as the parser and analyzeNetwork would build it.
 */
function build(text: string, ranges: RangeMaker, shift = 0): NetworkDecl | undefined {
  const n = text.length;
  // `shift`: where the text starts in the offsets `ranges` takes.
  const lines: RangeMaker = shift === 0 ? ranges : { range: (a, b) => ranges.range(a + shift, b + shift) };
  const at = (k: number): number => (k < n ? text.charCodeAt(k) : -1);
  let i = 0;
  while (isBlank(at(i))) i++;
  const kw = i;
  if (!text.startsWith('network', i)) return undefined;
  i += 7;
  if (!isBlank(at(i))) return undefined;
  while (isBlank(at(i))) i++;
  // A name as the lexer's Identifier reads it: inner hyphens, each followed by a name character.
  const nameStart = i;
  if (!isNameStart(at(i))) return undefined;
  for (;;) {
    while (isNameChar(at(i))) i++;
    if (at(i) === 45 /* - */ && isNameChar(at(i + 1))) i += 2;
    else break;
  }
  const nameEnd = i;
  const name = text.slice(nameStart, nameEnd);
  if (RESERVED.has(name)) return undefined;
  while (isBlank(at(i))) i++;
  if (at(i) !== 61 /* = */) return undefined;
  i++;
  while (isBlank(at(i))) i++;
  const open = i;
  let form: NetworkForm;
  /** Start and end offsets of the list's numbers. */
  const spans: number[] = [];
  if (at(i) === 34 /* " */) {
    form = 'string';
    i++;
    for (let c = at(i); c !== 34; c = at(++i)) if (c === -1 || c === 10 || c === 13) return undefined;
    i++;
  } else if (at(i) === 91 /* [ */) {
    form = 'list';
    i++;
    for (;;) {
      while (isBlank(at(i))) i++;
      const c = at(i);
      if (c === 93 /* ] */) break;
      if (!isDigit(c)) return undefined;
      const s = i;
      while (isDigit(at(i))) i++;
      // Digits then anything but a blank, comma or bracket lex otherwise (`1e5`, `2.5`, `3ddet`).
      const f = at(i);
      if (!isBlank(f) && f !== 44 && f !== 93) return undefined;
      spans.push(s, i);
      while (isBlank(at(i))) i++;
      if (at(i) === 44 /* , */) i++;
    }
    i++;
  } else return undefined;
  const close = i;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!isBlank(c) && c !== 10 && c !== 13) return undefined;
  }
  // The parser's object, field for field and in its order.
  const decl: NetworkDecl = {
    name,
    nameRange: lines.range(nameStart, nameEnd),
    range: lines.range(kw, close),
    keywordRange: lines.range(kw, kw + 7),
    kind: 'network',
    form,
    numbers: [],
  };
  if (form === 'string') {
    decl.string = { value: text.slice(open + 1, close - 1), range: lines.range(open, close), terminated: true };
  } else {
    const items: NetNumber[] = [];
    for (let k = 0; k < spans.length; k += 2) items.push(new NetNumber(Number(text.slice(spans[k], spans[k + 1])), lines.range(spans[k], spans[k + 1])));
    decl.list = { items, range: lines.range(open, close) };
  }
  return decl;
}

/**
 * A valid network whose numbers are rebuilt from `text` (the text it was analysed from, which
 * its analysis keeps) when first read, with ranges from the same line source as the rest.
 */
class CompactNetwork implements NetworkDecl {
  readonly kind = 'network';
  name: string;
  nameRange: Range;
  range: Range;
  keywordRange: Range;
  form: NetworkForm;
  code: number[] | undefined;
  readonly #text: string;
  readonly #source: LineSource;
  #full: NetworkDecl | undefined;

  constructor(d: NetworkDecl, text: string, source: LineSource) {
    this.name = d.name;
    this.nameRange = d.nameRange;
    this.range = d.range;
    this.keywordRange = d.keywordRange;
    this.form = d.form;
    this.code = d.code;
    this.#text = text;
    this.#source = source;
  }

  #rebuilt(): NetworkDecl {
    if (this.#full) return this.#full;
    const source = this.#source;
    // Ranges in the source's current offsets (the text starts at its base), as the first build made them at base 0.
    const lines: RangeMaker = { range: (a: number, b: number) => new OffsetRange(a, b, source) };
    const full = build(this.#text, lines, source.base);
    if (!full) throw new Error(`network '${this.name}': its text no longer parses as it did`);
    analyzeNetwork(full, lines, []);
    this.#full = full;
    return full;
  }

  get numbers(): NetworkNumber[] {
    return this.#rebuilt().numbers;
  }

  get list(): NumberList | undefined {
    return this.form === 'list' ? this.#rebuilt().list : undefined;
  }

  get string(): NetworkDecl['string'] {
    return this.form === 'string' ? this.#rebuilt().string : undefined;
  }

  /** The parser's shape (tests compare analyses through JSON). */
  toJSON(): object {
    const extra = this.form === 'list' ? { list: this.list } : { string: this.string };
    return {
      name: this.name,
      nameRange: this.nameRange,
      range: this.range,
      keywordRange: this.keywordRange,
      kind: this.kind,
      form: this.form,
      numbers: this.numbers,
      ...extra,
      code: this.code,
    };
  }
}

export interface OneLineAnalysis {
  decl: NetworkDecl;
  diagnostics: NcpDiagnostic[];
  lines: LineIndex;
}

/** The analysis of a text that is one simple one-line network, or undefined (use the parser). */
export function analyzeOneLine(text: string): OneLineAnalysis | undefined {
  const lines = new LineIndex(text);
  const decl = build(text, lines);
  if (!decl) return undefined;
  const diagnostics: NcpDiagnostic[] = [];
  analyzeNetwork(decl, lines, diagnostics);
  if (diagnostics.length > 0 || !decl.code) return { decl, diagnostics, lines };
  return { decl: new CompactNetwork(decl, text, lines.source), diagnostics, lines };
}
