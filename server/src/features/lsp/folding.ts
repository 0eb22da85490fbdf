// Folding ranges: every declaration and block comment that spans more than one line.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { NcpDocument } from '../../language/ast';

export function foldingRanges(doc: NcpDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const d of doc.declarations) {
    // Keep the closing brace visible: fold up to the line before it.
    const endLine = d.kind !== 'cell' && d.closeBrace ? d.closeBrace.start.line - 1 : d.range.end.line;
    if (endLine > d.range.start.line) out.push({ startLine: d.range.start.line, endLine });
  }
  for (const c of doc.comments) {
    if (c.range.end.line > c.range.start.line) {
      out.push({ startLine: c.range.start.line, endLine: c.range.end.line, kind: FoldingRangeKind.Comment });
    }
  }
  // Runs of consecutive line comments fold together.
  let runStart = -1;
  let prevLine = -2;
  const flush = () => {
    if (runStart >= 0 && prevLine > runStart) out.push({ startLine: runStart, endLine: prevLine, kind: FoldingRangeKind.Comment });
  };
  for (const c of doc.comments) {
    if (c.block) continue;
    if (c.range.start.line === prevLine + 1) prevLine = c.range.start.line;
    else {
      flush();
      runStart = prevLine = c.range.start.line;
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}
