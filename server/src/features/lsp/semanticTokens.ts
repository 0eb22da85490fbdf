// Semantic tokens: the parser package classifies every token (lexer + tree); this feature only
// delta-encodes them, for the whole document or a line range (editors ask for the visible part
// of a long file). A range costs only its own lines: the analysis keeps no token list, the range
// is lexed again (language/semantic.ts). The whole-document answer is cached per analysis (per
// document version) for documents up to CACHE_MAX_CHARS; above that it is recomputed on request
// rather than kept (its encoding is five numbers per token, hundreds of MB for a 10 MB file).
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { DocumentAnalysis } from '../../language/analyze';
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, semanticTokensInLines, type SemanticToken } from '../../language/semantic';

export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] };
const typeIndex = new Map<string, number>(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i]));
const fullCache = new WeakMap<DocumentAnalysis, SemanticTokens>();
const CACHE_MAX_CHARS = 1_000_000;

function encode(list: readonly SemanticToken[]): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  let lastLine = -1;
  let lastEnd = -1;
  for (const t of list) {
    // Defensive: LSP data must be sorted and non-overlapping.
    if (t.line < lastLine || (t.line === lastLine && t.character < lastEnd) || t.length <= 0) continue;
    builder.push(t.line, t.character, t.length, typeIndex.get(t.type) ?? 0, t.modifiers);
    lastLine = t.line;
    lastEnd = t.character + t.length;
  }
  return builder.build();
}

export function semanticTokens(analysis: DocumentAnalysis): SemanticTokens {
  const hit = fullCache.get(analysis);
  if (hit) return hit;
  const full = encode(semanticTokensInLines(analysis, 0, analysis.lines.lineCount - 1));
  if (analysis.text.length <= CACHE_MAX_CHARS) fullCache.set(analysis, full);
  return full;
}

/** Tokens on lines [startLine, endLine]. */
export function semanticTokensRange(analysis: DocumentAnalysis, startLine: number, endLine: number): SemanticTokens {
  return encode(semanticTokensInLines(analysis, startLine, endLine));
}
