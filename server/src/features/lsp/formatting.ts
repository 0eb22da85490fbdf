// Formatting: the canonical layout from the parser package's formatter (on the shared analysis,
// no second parse), sent as edits covering only what changes, so the cursor and folding elsewhere
// stay put. The formatter gives the layout region by region (a declaration with its comments):
// each region whose text changes gets one edit, trimmed to the part that differs. Linear in the
// document: a 12 MB document in which every declaration changes gets one edit per declaration.
// No edit when the text is canonical or has syntax errors.
import type { CancellationToken, TextEdit } from 'vscode-languageserver';
import { formatRegions } from '../../language/format';
import type { FeatureContext } from '../documents/context';

export function formatDocument(ctx: FeatureContext, token?: CancellationToken): TextEdit[] {
  const text = ctx.doc.getText();
  const regions = formatRegions(ctx.analysis);
  if (regions === undefined) return [];
  const edits: TextEdit[] = [];
  for (const r of regions) {
    if (token?.isCancellationRequested) return [];
    if (r.end - r.start === r.text.length && text.startsWith(r.text, r.start)) continue;
    const e = narrowed(text, r.start, r.end, r.text);
    edits.push({ range: { start: ctx.doc.positionAt(e.start), end: ctx.doc.positionAt(e.end) }, newText: e.newText });
  }
  return edits;
}

/** The edit replacing text[start, end) by `formatted`, less their common prefix and suffix. */
function narrowed(text: string, from: number, to: number, formatted: string): { start: number; end: number; newText: string } {
  let start = from;
  let k = 0;
  const max = Math.min(to - from, formatted.length);
  while (k < max && text.charCodeAt(start) === formatted.charCodeAt(k)) {
    start++;
    k++;
  }
  let endOld = to;
  let endNew = formatted.length;
  while (endOld > start && endNew > k && text.charCodeAt(endOld - 1) === formatted.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  // Never split a surrogate pair or a CRLF at the edit's edges (prefix and suffix are shared, so widening is safe).
  const splitsOld = (i: number) => i > from && i < to && ((text[i] === '\n' && text[i - 1] === '\r') || /[\uDC00-\uDFFF]/.test(text[i]));
  const splitsNew = (i: number) => i > 0 && i < formatted.length && ((formatted[i] === '\n' && formatted[i - 1] === '\r') || /[\uDC00-\uDFFF]/.test(formatted[i]));
  while (splitsOld(start) || splitsNew(k)) {
    start--;
    k--;
  }
  while ((splitsOld(endOld) || splitsNew(endNew)) && endOld < to) {
    endOld++;
    endNew++;
  }
  return { start, end: endOld, newText: formatted.slice(k, endNew) };
}
