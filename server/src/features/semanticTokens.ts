// Semantic tokens: the parser package classifies every token (lexer + tree); this feature only
// delta-encodes them, for the whole document or a line range (editors ask for the visible part
// of a long file). The classification is cached per analysis, i.e. per document version.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { DocumentAnalysis } from '../language/analyze';
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, semanticTokens as classify, type SemanticToken } from '../language/semantic';

export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] };
const typeIndex = new Map<string, number>(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i]));
const classified = new WeakMap<DocumentAnalysis, SemanticToken[]>();
const fullCache = new WeakMap<DocumentAnalysis, SemanticTokens>();

function tokensOf(analysis: DocumentAnalysis): SemanticToken[] {
  let list = classified.get(analysis);
  if (!list) {
    list = [];
    let lastLine = -1;
    let lastEnd = -1;
    for (const t of classify(analysis)) {
      // Defensive: LSP data must be sorted and non-overlapping.
      if (t.line < lastLine || (t.line === lastLine && t.character < lastEnd) || t.length <= 0) continue;
      list.push(t);
      lastLine = t.line;
      lastEnd = t.character + t.length;
    }
    classified.set(analysis, list);
  }
  return list;
}

function encode(list: readonly SemanticToken[], from: number, to: number): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  for (let i = from; i < to; i++) {
    const t = list[i];
    builder.push(t.line, t.character, t.length, typeIndex.get(t.type) ?? 0, t.modifiers);
  }
  return builder.build();
}

export function semanticTokens(analysis: DocumentAnalysis): SemanticTokens {
  let full = fullCache.get(analysis);
  if (!full) {
    const list = tokensOf(analysis);
    full = encode(list, 0, list.length);
    fullCache.set(analysis, full);
  }
  return full;
}

/** Tokens on lines [startLine, endLine] (binary search: the list is sorted). */
export function semanticTokensRange(analysis: DocumentAnalysis, startLine: number, endLine: number): SemanticTokens {
  const list = tokensOf(analysis);
  const first = (line: number) => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].line < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return encode(list, first(startLine), first(endLine + 1));
}
