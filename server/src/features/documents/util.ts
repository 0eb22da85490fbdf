// Small helpers every feature shares: LSP ranges from AST ranges, finding the node under the cursor.
import type { Range as LspRange } from 'vscode-languageserver';
import type { Declaration, NcpDocument, Range } from '../../language/ast';

/** The plain LSP range of an AST range (drops the offsets, which clients do not need). */
export function lspRange(r: Range): LspRange {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

/** Whether offset lies inside r; `inclusiveEnd` also accepts the offset just after it (a cursor at a word's end). */
export function contains(r: Range, offset: number, inclusiveEnd = true): boolean {
  return offset >= r.startOffset && (inclusiveEnd ? offset <= r.endOffset : offset < r.endOffset);
}

/** The declaration whose range holds offset. */
export { declarationInDocument as declarationAt } from '../../language/analyze';

/** Declarations overlapping [start, end) offsets, in order (for range-scoped requests such as inlay hints). */
export function declarationsIn(doc: NcpDocument, start: number, end: number): Declaration[] {
  const ds = doc.declarations;
  let lo = 0;
  let hi = ds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ds[mid].range.endOffset < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Declaration[] = [];
  for (let i = lo; i < ds.length && ds[i].range.startOffset <= end; i++) out.push(ds[i]);
  return out;
}

/**
 * Text shown literally inside a markdown line: a path named like a link, an image, emphasis,
 * code or HTML stays text. (Line-start markup cannot occur: the text never starts a line.)
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]()<>!|~&#]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/** Text as an inline code span whatever backticks it holds (a fence longer than any run in it). */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/[\r\n]+/g, ' ')}${pad}${fence}`;
}
