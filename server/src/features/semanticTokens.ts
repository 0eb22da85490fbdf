// Semantic tokens: the parser package classifies every token (lexer + tree); this feature only
// delta-encodes them. The result is cached per analysis, i.e. per document version.
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { DocumentAnalysis } from '../language/analyze';
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, semanticTokens as classify } from '../language/semantic';

export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] };
const typeIndex = new Map<string, number>(SEMANTIC_TOKEN_TYPES.map((t, i) => [t, i]));
const cache = new WeakMap<DocumentAnalysis, SemanticTokens>();

export function semanticTokens(analysis: DocumentAnalysis): SemanticTokens {
  const hit = cache.get(analysis);
  if (hit) return hit;
  const builder = new SemanticTokensBuilder();
  let lastLine = -1;
  let lastEnd = -1;
  for (const t of classify(analysis)) {
    // Defensive: LSP data must be sorted and non-overlapping.
    if (t.line < lastLine || (t.line === lastLine && t.character < lastEnd) || t.length <= 0) continue;
    builder.push(t.line, t.character, t.length, typeIndex.get(t.type) ?? 0, t.modifiers);
    lastLine = t.line;
    lastEnd = t.character + t.length;
  }
  const result = builder.build();
  cache.set(analysis, result);
  return result;
}
