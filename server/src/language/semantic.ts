// Semantic token classification: each token of the document with an LSP token type, from the
// lexer (keywords, numbers, strings, comments) refined by the tree (which names are networks,
// settings, metrics, units). The server only has to delta-encode the list.
import type { IToken } from 'chevrotain';
import type { DocumentAnalysis } from './analysis';
import type { Declaration, Range } from './ast';
import * as T from './lexer';
import { lex } from './lexer';

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

/** Tokens sorted by position, none spanning lines (multi-line comments are split per line). */
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
  const out = classify(a, inRange, shift(lexed.tokens), shift(lexed.comments));
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

function classify(a: DocumentAnalysis, declarations: readonly Declaration[], tokens: readonly IToken[], comments: readonly IToken[]): SemanticToken[] {
  const roles = new Map<number, { type: SemanticTokenType; modifiers: number }>();
  const mark = (r: Range | undefined, type: SemanticTokenType, modifiers = 0): void => {
    if (r) roles.set(r.startOffset, { type, modifiers });
  };
  // Inside code and cell strings: the numbers and ops as their own tokens, the rest as string.
  const inner = new Map<number, { start: number; end: number; type: SemanticTokenType }[]>();
  for (const d of declarations) {
    if (d.kind === 'network' && d.string) {
      inner.set(d.string.range.startOffset, d.numbers.map((n) => ({ start: n.range.startOffset, end: n.range.endOffset, type: 'number' as const })));
    } else if (d.kind === 'cell' && d.string) {
      inner.set(d.string.range.startOffset, d.ops.map((o) => ({ start: o.range.startOffset, end: o.range.endOffset, type: 'enumMember' as const })));
    }
    const type = d.kind === 'network' ? 'class' : d.kind === 'cell' ? 'struct' : 'function';
    if (d.name !== '') mark(d.nameRange, type, DECLARATION);
    if (d.kind === 'search') {
      // contextual keywords: Identifiers the tree knows to be keywords here
      mark(d.keywordRange, 'keyword');
      for (const s of d.statements) if (s.kind === 'measurements' || s.kind === 'batch') mark(s.keywordRange, 'keyword');
    }
    if (d.kind !== 'propagate' && d.kind !== 'search') continue;
    if (d.kind === 'propagate' && d.from) {
      const t = a.networks.get(d.from.text) ? 'class' : a.cells.get(d.from.text) ? 'struct' : 'variable';
      mark(d.from.range, t);
    }
    for (const s of d.statements) {
      if (s.kind === 'maximize') {
        mark(s.setting?.range, 'enum');
        mark(s.metric?.range, 'property');
      } else if (s.kind === 'flops' || s.kind === 'params') mark(s.unit?.range, 'type');
      else if (s.kind === 'strategy') mark(s.value?.range, 'enumMember');
    }
  }
  const out: SemanticToken[] = [];
  const push = (t: IToken, type: SemanticTokenType, modifiers = 0): void => {
    const start = t.startOffset;
    const end = start + t.image.length;
    const p = a.lines.positionAt(start);
    const q = a.lines.positionAt(end);
    if (p.line === q.line) {
      out.push({ line: p.line, character: p.character, length: end - start, type, modifiers });
      return;
    }
    for (let line = p.line; line <= q.line; line++) {
      const from = line === p.line ? start : a.lines.lineStart(line);
      let to = line === q.line ? end : a.lines.lineStart(line + 1);
      // Leave the line break out of the token.
      while (to > from && (a.text[to - 1] === '\n' || a.text[to - 1] === '\r')) to--;
      if (to > from) out.push({ line, character: from - a.lines.lineStart(line), length: to - from, type, modifiers });
    }
  };
  const pushString = (t: IToken): void => {
    const parts = inner.get(t.startOffset);
    if (!parts || parts.length === 0) return push(t, 'string');
    // Strings sit on one line: split the token into string / number-or-op pieces.
    const { line, character } = a.lines.positionAt(t.startOffset);
    const piece = (from: number, to: number, type: SemanticTokenType): void => {
      if (to > from) out.push({ line, character: character + from - t.startOffset, length: to - from, type, modifiers: 0 });
    };
    let at = t.startOffset;
    for (const p of parts) {
      if (p.start < at || p.end <= p.start) continue;
      piece(at, p.start, 'string');
      piece(p.start, p.end, p.type);
      at = p.end;
    }
    piece(at, t.startOffset + t.image.length, 'string');
  };
  let ci = 0;
  for (const t of tokens) {
    while (ci < comments.length && comments[ci].startOffset < t.startOffset) push(comments[ci++], 'comment');
    const role = roles.get(t.startOffset);
    // A keyword may serve as a declared name (`network head`): the tree says which role it has.
    if (role && (t.tokenType === T.Identifier || T.isKeyword(t.tokenType))) push(t, role.type, role.modifiers);
    else if (T.isKeyword(t.tokenType)) push(t, 'keyword');
    else if (t.tokenType === T.NumberTok) push(t, 'number');
    else if (t.tokenType === T.StringLit || t.tokenType === T.UnterminatedString) pushString(t);
    else if (t.tokenType === T.LessEq || t.tokenType === T.Star || t.tokenType === T.Equals) push(t, 'operator');
    else if (t.tokenType === T.Identifier) push(t, 'variable');
  }
  while (ci < comments.length) push(comments[ci++], 'comment');
  return out;
}
