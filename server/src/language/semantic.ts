// Semantic token classification: what only the tree knows, over the TextMate grammar's colours.
// The grammar (syntaxes/ncp.tmLanguage.json) colours everything the lexer alone decides:
// keywords, numbers, strings with their numbers and cell ops, operators and comments. Semantic
// tokens add the tree's knowledge: names by kind (network, cell, propagation; declaration or
// use), keywords serving as names, contextual keywords (search blocks), settings, metrics, units,
// strategy values, and names that refer to nothing known. Why not every token: 91% of a large
// document's tokens were numbers and string pieces the grammar already colours the same way, and
// the whole-document answer for 100,000 networks was 5 million tokens (50 MB of JSON, 2 s);
// TypeScript's semantic tokens likewise classify identifiers only.
// test/language/textmateCoverage.test.ts checks that the grammar colours what is left out.
import type { IToken } from 'chevrotain';
import type { DocumentAnalysis } from './analysis';
import type { Declaration, Range } from './ast';
import * as T from './lexer';
import { lex } from './lexer';
import { isCompactNetwork } from './oneLine';
import { isCompactStructured } from './compactStructured';

/** The legend: indices into these arrays are what the LSP encoding uses. */
export const SEMANTIC_TOKEN_TYPES = [
  'keyword', // 0 network cell propagate from stem stage … maximize flops …
  'number', // 1
  'string', // 2 code and cell strings (their numbers and ops are split out as number / enumMember)
  'comment', // 3
  'class', // 4 network names (declaration or use)
  'struct', // 5 cell names
  'function', // 6 propagation names
  'enum', // 7 settings (and task aliases)
  'property', // 8 metrics
  'type', // 9 units G / M / K
  'enumMember', // 10 strategy values, cell ops
  'operator', // 11 <= * =
  'variable', // 12 a name that refers to nothing known
] as const;
export type SemanticTokenType = (typeof SEMANTIC_TOKEN_TYPES)[number];

export const SEMANTIC_TOKEN_MODIFIERS = ['declaration', 'readonly'] as const;
export type SemanticTokenModifier = (typeof SEMANTIC_TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: SemanticTokenType;
  /** Bit set over SEMANTIC_TOKEN_MODIFIERS. */
  modifiers: number;
}

const DECLARATION = 1;

/** Tokens sorted by position, one line each. */
export function semanticTokens(a: DocumentAnalysis): SemanticToken[] {
  return semanticTokensInLines(a, 0, a.lines.lineCount - 1);
}

/**
 * The same for lines [startLine, endLine] only, in time and memory proportional to that part (plus
 * the declaration it starts in): the text is lexed again from the last token boundary before the
 * range (the start or end of a declaration or comment) to the end of the range, so a large
 * document keeps no token list and an editor's visible range costs a few hundred tokens.
 */
export function semanticTokensInLines(a: DocumentAnalysis, startLine: number, endLine: number): SemanticToken[] {
  const lineCount = a.lines.lineCount;
  const first = Math.max(0, Math.min(startLine, lineCount - 1));
  const lastLine = Math.max(first, Math.min(endLine, lineCount - 1));
  const from = a.lines.lineStart(first);
  const to = lastLine + 1 < lineCount ? a.lines.lineStart(lastLine + 1) : a.text.length;
  const decls = a.ast.declarations;
  // Declarations and comments are sorted and do not overlap: their edges are token boundaries.
  let base = 0;
  const d = lastStartingAtOrBefore(decls, from);
  if (d >= 0) base = Math.max(base, decls[d].range.endOffset <= from ? decls[d].range.endOffset : decls[d].range.startOffset);
  const c = lastStartingAtOrBefore(a.ast.comments, from);
  if (c >= 0) {
    const r = a.ast.comments[c].range;
    base = Math.max(base, r.endOffset <= from ? r.endOffset : r.startOffset);
  }
  const lexed = lex(a.text.slice(base, to));
  const shift = (ts: IToken[]) => {
    for (const t of ts) t.startOffset += base;
    return ts;
  };
  const inRange: Declaration[] = [];
  for (let k = Math.max(0, d); k < decls.length && decls[k].range.startOffset < to; k++) inRange.push(decls[k]);
  const out: SemanticToken[] = [];
  classify(a, inRange, shift(lexed.tokens), (line, character, length, type, modifiers) => {
    out.push({ line, character, length, type: SEMANTIC_TOKEN_TYPES[type], modifiers });
  });
  let lo = 0;
  while (lo < out.length && out[lo].line < first) lo++;
  let hi = out.length;
  while (hi > lo && out[hi - 1].line > lastLine) hi--;
  return lo === 0 && hi === out.length ? out : out.slice(lo, hi);
}

/** Index of the last item whose range starts at or before `offset` (-1 when none). */
function lastStartingAtOrBefore(items: readonly { range: Range }[], offset: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].range.startOffset <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Receives each token: position, length, index in SEMANTIC_TOKEN_TYPES, modifier bits. In document order. */
export type TokenSink = (line: number, character: number, length: number, type: number, modifiers: number) => void;

const TYPE: { [K in SemanticTokenType]: number } = Object.fromEntries(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i])) as { [K in SemanticTokenType]: number };

/**
 * The tokens of one declaration (`decl`, undefined for text before the first one) and of the
 * text after it up to the next declaration (`from`, `to`: offsets in the document), into
 * `sink`. Lexes only that text and makes no token objects beyond the lexer's: the whole
 * document is the concatenation of its declarations' segments (features/semanticTokens.ts).
 */
export function segmentTokens(a: DocumentAnalysis, decl: Declaration | undefined, from: number, to: number, sink: TokenSink): void {
  if (to <= from || isBlank(a.text, from, to)) return;
  if (decl && fastSegment(a, decl, from, to, sink)) return;
  const lexed = lex(a.text.slice(from, to));
  for (const t of lexed.tokens) t.startOffset += from;
  classify(a, decl ? [decl] : [], lexed.tokens, sink);
}

const KEYWORD_WORDS = new Set(T.KEYWORDS.map((k) => String(k.PATTERN).slice(1, -1)));
/** Tokens of a fast segment: start, end, role (type | modifiers << 8), four numbers each. */
let scratch = new Int32Array(4096);
let n = 0;
function add(start: number, end: number, role: number): void {
  if (n + 4 > scratch.length) {
    const grown = new Int32Array(scratch.length * 2);
    grown.set(scratch);
    scratch = grown;
  }
  scratch[n] = start;
  scratch[n + 1] = end;
  scratch[n + 2] = role;
  n += 4;
}
function isWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

/**
 * The tokens of a compact network's segment (a valid network without diagnostics, the kind
 * nearly every declaration of a large document is) read by a small scanner instead of the
 * lexer: names, keywords, plain integers, `= [ ] { } ,` and a one-line code string, as the lexer
 * and `classify` would give them. Anything else (a comment, a sign, a point, a dash, other
 * characters) returns false having sent nothing: the caller lexes the segment.
 */
function fastSegment(a: DocumentAnalysis, d: Declaration, from: number, to: number, sink: TokenSink): boolean {
  if (d.kind !== 'network') return false;
  const compactString = d.form === 'string' && isCompactNetwork(d);
  if (!compactString && !isCompactStructured(d) && !(d.form === 'list' && isCompactNetwork(d))) return false;
  const text = a.text;
  const nameAt = d.name !== '' ? d.nameRange.startOffset : -1;
  n = 0;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 44 || c === 91 || c === 93 || c === 123 || c === 125) {
      i++;
    } else if (c === 61) {
      i++;
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
      let j = i + 1;
      while (j < to && isWord(text.charCodeAt(j))) j++;
      if (text.charCodeAt(j) === 45) return false; // a dashed name: the lexer decides
      // The name; keywords are the grammar's; any other word is a name that refers to nothing.
      if (i === nameAt) add(i, j, TYPE.class | (DECLARATION << 8));
      else if (!KEYWORD_WORDS.has(text.slice(i, j))) add(i, j, TYPE.variable);
      i = j;
    } else if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < to && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const next = text.charCodeAt(j);
      if (isWord(next) || next === 46) return false; // 2.5, 1e5, 3ddet
      i = j;
    } else if (c === 34 && compactString) {
      let j = i + 1;
      while (j < to && text.charCodeAt(j) !== 34) {
        const q = text.charCodeAt(j);
        if (q === 10 || q === 13) return false;
        j++;
      }
      if (j >= to) return false;
      i = j + 1;
    } else return false;
  }
  // All on known lines: positions by walking the line starts forward.
  const lines = a.lines;
  const lineCount = lines.lineCount;
  let line = -1;
  let lineStart = 0;
  let nextStart = 0;
  for (let k = 0; k < n; k += 4) {
    const start = scratch[k];
    if (line < 0) {
      line = lines.positionAt(start).line;
      lineStart = lines.lineStart(line);
      nextStart = line + 1 < lineCount ? lines.lineStart(line + 1) : Infinity;
    }
    while (start >= nextStart) {
      line++;
      lineStart = nextStart;
      nextStart = line + 1 < lineCount ? lines.lineStart(line + 1) : Infinity;
    }
    const role = scratch[k + 2];
    sink(line, start - lineStart, scratch[k + 1] - start, role & 0xff, role >> 8);
  }
  return true;
}

/** Whether text[from, to) holds only blanks and line breaks (no token: most gaps between declarations). */
function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false;
  }
  return true;
}

/** The type the tree gives a propagation's start name (it depends on the other declarations). */
export function fromType(a: DocumentAnalysis, name: string): number {
  return TYPE[a.networks.get(name) ? 'class' : a.cells.get(name) ? 'struct' : 'variable'];
}

function classify(a: DocumentAnalysis, declarations: readonly Declaration[], tokens: readonly IToken[], sink: TokenSink): void {
  const roles = new Map<number, number>();
  // A role is the type index and the modifiers in one number (type in the low byte).
  const mark = (r: Range | undefined, type: SemanticTokenType, modifiers = 0): void => {
    if (r) roles.set(r.startOffset, TYPE[type] | (modifiers << 8));
  };
  for (const d of declarations) {
    const type = d.kind === 'network' ? 'class' : d.kind === 'cell' ? 'struct' : 'function';
    if (d.name !== '') mark(d.nameRange, type, DECLARATION);
    if (d.kind === 'search') {
      // contextual keywords: Identifiers the tree knows to be keywords here
      mark(d.keywordRange, 'keyword');
      for (const s of d.statements) if (s.kind === 'measurements' || s.kind === 'batch' || s.kind === 'measure' || s.kind === 'jobs' || s.kind === 'retries' || s.kind === 'slurm') mark(s.keywordRange, 'keyword');
    }
    if (d.kind !== 'propagate' && d.kind !== 'search') continue;
    if (d.kind === 'propagate' && d.from) roles.set(d.from.range.startOffset, fromType(a, d.from.text));
    for (const s of d.statements) {
      if (s.kind === 'maximize') {
        mark(s.setting?.range, 'enum');
        mark(s.metric?.range, 'property');
      } else if (s.kind === 'flops' || s.kind === 'params') mark(s.unit?.range, 'type');
      else if (s.kind === 'strategy') mark(s.value?.range, 'enumMember');
    }
  }
  // Positions: tokens come in document order, so a cursor moves forward over the lines (a
  // binary search only for the first token and after a jump).
  const lines = a.lines;
  const lineCount = lines.lineCount;
  let curLine = -1;
  let curStart = 0;
  let nextStart = 0;
  const lineOf = (offset: number): number => {
    if (curLine < 0 || offset < curStart || offset >= nextStart + 4096) {
      curLine = lines.positionAt(offset).line;
      curStart = lines.lineStart(curLine);
      nextStart = curLine + 1 < lineCount ? lines.lineStart(curLine + 1) : Infinity;
    }
    while (offset >= nextStart) {
      curLine++;
      curStart = nextStart;
      nextStart = curLine + 1 < lineCount ? lines.lineStart(curLine + 1) : Infinity;
    }
    return curLine;
  };
  // Names and keywords sit on one line.
  const push = (t: IToken, type: number, modifiers = 0): void => {
    const line = lineOf(t.startOffset);
    sink(line, t.startOffset - curStart, t.image.length, type, modifiers);
  };
  for (const t of tokens) {
    const role = roles.get(t.startOffset);
    // A keyword may serve as a declared name (`network head`): the tree says which role it has.
    if (role !== undefined && (t.tokenType === T.Identifier || T.isKeyword(t.tokenType))) push(t, role & 0xff, role >> 8);
    else if (t.tokenType === T.Identifier) push(t, TYPE.variable);
  }
}
