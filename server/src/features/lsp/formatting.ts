// Formatting: the canonical layout from the parser package's formatter (on the shared analysis,
// no second parse), sent as one edit covering only the part that changes so the cursor and
// folding elsewhere stay put. No edit when the text is canonical or has syntax errors.
import type { TextEdit } from 'vscode-languageserver';
import { formatAnalysis } from '../../language/format';
import type { FeatureContext } from '../documents/context';

export function formatDocument(ctx: FeatureContext): TextEdit[] {
  const text = ctx.doc.getText();
  const formatted = formatAnalysis(ctx.analysis);
  if (formatted === undefined || formatted === text) return [];
  let start = 0;
  const max = Math.min(text.length, formatted.length);
  while (start < max && text.charCodeAt(start) === formatted.charCodeAt(start)) start++;
  let endOld = text.length;
  let endNew = formatted.length;
  while (endOld > start && endNew > start && text.charCodeAt(endOld - 1) === formatted.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  // Never split a surrogate pair or a CRLF at the edit's edges (prefix and suffix are shared, so widening is safe).
  const splits = (t: string, i: number) => i > 0 && i < t.length && ((t[i] === '\n' && t[i - 1] === '\r') || /[\uDC00-\uDFFF]/.test(t[i]));
  while (splits(text, start) || splits(formatted, start)) start--;
  while ((splits(text, endOld) || splits(formatted, endNew)) && endOld < text.length) {
    endOld++;
    endNew++;
  }
  return [{ range: { start: ctx.doc.positionAt(start), end: ctx.doc.positionAt(endOld) }, newText: formatted.slice(start, endNew) }];
}
