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
import { CODE_LENGTH, stageOffset, validateCode } from '../core/space/multires';

const isBlank = (c: number): boolean => c === 32 || c === 9;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number): boolean => isNameStart(c) || isDigit(c);
/** The character code at `k`, -1 past the end. A module function, not a closure per call: the
 * bundle keeps function names, which costs a defineProperty for each closure made. */
function charAt(text: string, k: number): number {
  return k < text.length ? text.charCodeAt(k) : -1;
}
/** The reserved words (`network`, `cell`, `propagate` lex as keywords, never as names). */
const RESERVED = new Set(['network', 'cell', 'propagate']);

const SPANS: number[] = [];

/** Where the parts of a one-line network are in its text. */
interface Scan {
  kw: number;
  nameStart: number;
  nameEnd: number;
  name: string;
  form: 'string' | 'list';
  /** The string (with its quotes) or the list (with its brackets). */
  open: number;
  close: number;
  /**
   * Start and end offsets of the list's numbers: the first `count` entries of one array that every
   * scan reuses (read before the next scan; growing a fresh array was ~1 KB of garbage a network).
   */
  spans: number[];
  count: number;
}

/**
 * The parts of `text` when it is exactly one simple one-line network (leading blanks and trailing
 * line breaks allowed), read as the lexer and parser read them; undefined otherwise.
 */
function scan(text: string): Scan | undefined {
  const n = text.length;
  let i = 0;
  while (isBlank(charAt(text, i))) i++;
  const kw = i;
  if (!text.startsWith('network', i)) return undefined;
  i += 7;
  if (!isBlank(charAt(text, i))) return undefined;
  while (isBlank(charAt(text, i))) i++;
  // A name as the lexer's Identifier reads it: inner hyphens, each followed by a name character.
  const nameStart = i;
  if (!isNameStart(charAt(text, i))) return undefined;
  for (;;) {
    while (isNameChar(charAt(text, i))) i++;
    if (charAt(text, i) === 45 /* - */ && isNameChar(charAt(text, i + 1))) i += 2;
    else break;
  }
  const nameEnd = i;
  const name = text.slice(nameStart, nameEnd);
  if (RESERVED.has(name)) return undefined;
  while (isBlank(charAt(text, i))) i++;
  if (charAt(text, i) !== 61 /* = */) return undefined;
  i++;
  while (isBlank(charAt(text, i))) i++;
  const open = i;
  let form: Scan['form'];
  const spans = SPANS;
  let count = 0;
  if (charAt(text, i) === 34 /* " */) {
    form = 'string';
    i++;
    for (let c = charAt(text, i); c !== 34; c = charAt(text, ++i)) if (c === -1 || c === 10 || c === 13) return undefined;
    i++;
  } else if (charAt(text, i) === 91 /* [ */) {
    form = 'list';
    i++;
    for (;;) {
      while (isBlank(charAt(text, i))) i++;
      const c = charAt(text, i);
      if (c === 93 /* ] */) break;
      if (!isDigit(c)) return undefined;
      const s = i;
      while (isDigit(charAt(text, i))) i++;
      // Digits then anything but a blank, comma or bracket lex otherwise (`1e5`, `2.5`, `3ddet`).
      const f = charAt(text, i);
      if (!isBlank(f) && f !== 44 && f !== 93) return undefined;
      spans[count++] = s;
      spans[count++] = i;
      while (isBlank(charAt(text, i))) i++;
      if (charAt(text, i) === 44 /* , */) i++;
    }
    i++;
  } else return undefined;
  const close = i;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!isBlank(c) && c !== 10 && c !== 13) return undefined;
  }
  return { kw, nameStart, nameEnd, name, form, open, close, spans, count };
}

/** The declaration as the parser builds it (before analyzeNetwork), field for field and in its order. */
function eager(text: string, p: Scan, ranges: RangeMaker, shift = 0): NetworkDecl {
  // `shift`: where the text starts in the offsets `ranges` takes.
  const r = (a: number, b: number): Range => ranges.range(a + shift, b + shift);
  const decl: NetworkDecl = {
    name: p.name,
    nameRange: r(p.nameStart, p.nameEnd),
    range: r(p.kw, p.close),
    keywordRange: r(p.kw, p.kw + 7),
    kind: 'network',
    form: p.form,
    numbers: [],
  };
  if (p.form === 'string') {
    decl.string = { value: text.slice(p.open + 1, p.close - 1), range: r(p.open, p.close), terminated: true };
  } else {
    const items: NetNumber[] = [];
    const s = p.spans;
    for (let k = 0; k < p.count; k += 2) items.push(new NetNumber(Number(text.slice(s[k], s[k + 1])), r(s[k], s[k + 1]) as OffsetRange));
    decl.list = { items, range: r(p.open, p.close) };
  }
  return decl;
}

const FIELDS = [2, 4, 6, 8, 10, 1];

/** The code of a benchmark string of plain integers in the right shape (each stage's second field its number), or undefined. */
function stringCode(text: string, from: number, to: number): number[] | undefined {
  const code: number[] = new Array(CODE_LENGTH);
  let part = 0;
  let field = 0;
  let value = 0;
  let digits = 0;
  for (let i = from; i <= to; i++) {
    const c = i < to ? text.charCodeAt(i) : -1;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      continue;
    }
    if ((c !== 45 && c !== 95 && c !== -1) || digits === 0 || digits > 15 || field >= FIELDS[part]) return undefined;
    if (part === 0) code[field] = value;
    else if (part === 5) code[CODE_LENGTH - 1] = value;
    else if (field === 1) {
      if (value !== part) return undefined;
    } else code[stageOffset(part) + (field === 0 ? 0 : field - 1)] = value;
    field++;
    value = 0;
    digits = 0;
    if (c === 45 /* - */) {
      if (field !== FIELDS[part] || part === 5) return undefined;
      part++;
      field = 0;
    }
  }
  return part === 5 && field === 1 ? code : undefined;
}

/** The code of a valid network that draws no diagnostic (no warning either), found without building its numbers; undefined otherwise. */
function quietCode(text: string, p: Scan): number[] | undefined {
  let code: number[] | undefined;
  if (p.form === 'string') code = stringCode(text, p.open + 1, p.close - 1);
  else if (p.count === 2 * CODE_LENGTH) {
    // Sized once (pushing would leave it half again as long).
    code = new Array<number>(CODE_LENGTH);
    for (let k = 0; k < p.count; k += 2) {
      const end = p.spans[k + 1];
      if (end - p.spans[k] > 15) return undefined;
      // Plain digits, at most 15: exact as a double, the value Number() gives (no string made).
      let v = 0;
      for (let i = p.spans[k]; i < end; i++) v = v * 10 + (text.charCodeAt(i) - 48);
      code[k >> 1] = v;
    }
  }
  return code && validateCode(code).length === 0 ? code : undefined;
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

  constructor(p: Scan, code: number[], text: string, lines: LineIndex) {
    this.name = p.name;
    this.nameRange = lines.range(p.nameStart, p.nameEnd);
    this.range = lines.range(p.kw, p.close);
    this.keywordRange = lines.range(p.kw, p.kw + 7);
    this.form = p.form;
    this.code = code;
    this.#text = text;
    this.#source = lines.source;
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
    // Ranges in the source's current offsets (the text starts at its base), as the first build made them at base 0.
    const lines: RangeMaker = { range: (a: number, b: number) => new OffsetRange(a, b, source) };
    const p = scan(this.#text);
    if (!p) throw new Error(`network '${this.name}': its text no longer parses as it did`);
    const full = eager(this.#text, p, lines, source.base);
    analyzeNetwork(full, lines, []);
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

/** Whether a declaration is a compact one-line network (its numbers are rebuilt, and kept, when read). */
export function isCompactNetwork(d: unknown): boolean {
  return d instanceof CompactNetwork;
}

/** A compact one-line network's full tree, not kept; any other declaration as it is. */
export function expandedOneLine<D>(d: D): D | NetworkDecl {
  return d instanceof CompactNetwork ? d.expanded() : d;
}

export interface OneLineAnalysis {
  decl: NetworkDecl;
  diagnostics: NcpDiagnostic[];
  lines: LineIndex;
}

/** The analysis of a text that is one simple one-line network, or undefined (use the parser). */
export function analyzeOneLine(text: string): OneLineAnalysis | undefined {
  const p = scan(text);
  if (!p) return undefined;
  const lines = new LineIndex(text);
  // Valid and quiet (the common case): no number objects at all.
  const code = quietCode(text, p);
  if (code) return { decl: new CompactNetwork(p, code, text, lines), diagnostics: [], lines };
  const decl = eager(text, p, lines);
  const diagnostics: NcpDiagnostic[] = [];
  analyzeNetwork(decl, lines, diagnostics);
  return { decl, diagnostics, lines };
}
