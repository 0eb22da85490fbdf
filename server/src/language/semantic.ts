// Semantic token classification: each token of the document with an LSP token type, from the
// lexer (keywords, numbers, strings, comments) refined by the tree (which names are networks,
// settings, metrics, units). The server only has to delta-encode the list.
import type { IToken } from 'chevrotain';
import type { DocumentAnalysis } from './analyze';
import type { Range } from './ast';
import * as T from './lexer';

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
  const roles = new Map<number, { type: SemanticTokenType; modifiers: number }>();
  const mark = (r: Range | undefined, type: SemanticTokenType, modifiers = 0): void => {
    if (r) roles.set(r.startOffset, { type, modifiers });
  };
  // Inside code and cell strings: the numbers and ops as their own tokens, the rest as string.
  const inner = new Map<number, { start: number; end: number; type: SemanticTokenType }[]>();
  for (const d of a.ast.declarations) {
    if (d.kind === 'network' && d.string) {
      inner.set(d.string.range.startOffset, d.numbers.map((n) => ({ start: n.range.startOffset, end: n.range.endOffset, type: 'number' as const })));
    } else if (d.kind === 'cell' && d.string) {
      inner.set(d.string.range.startOffset, d.ops.map((o) => ({ start: o.range.startOffset, end: o.range.endOffset, type: 'enumMember' as const })));
    }
    const type = d.kind === 'network' ? 'class' : d.kind === 'cell' ? 'struct' : 'function';
    if (d.name !== '') mark(d.nameRange, type, DECLARATION);
    if (d.kind !== 'propagate') continue;
    if (d.from) {
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
  const comments = a.comments;
  for (const t of a.tokens) {
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
