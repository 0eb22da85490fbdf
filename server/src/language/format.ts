// The canonical layout of a `.ncp` document: one clause or statement per line, two-space
// indents, structured networks in aligned columns, one space around operators, trailing
// comments aligned per block. Every comment is kept: a comment on its own line stays on its
// own line before what followed it; a comment after code on the same line (or inside a clause)
// stays at the end of that line. Blank lines between lines are kept (at most one). A document
// with syntax errors is left alone (undefined) rather than risk losing text.
import type { Comment, Declaration, NetworkClause, NetworkDecl, Range, SearchStatement } from './ast';
import { analyzeText, type DocumentAnalysis } from './analyze';
import { alignNetworkBody, listText } from './print';
import { isCompactNetwork } from './oneLine';
import { expandedStructured, isCompactStructured } from './compactStructured';
import * as T from './lexer';

/** One output line: its code text, where it came from, and the comments attached to it. */
interface Line {
  text: string;
  indent: string;
  /** Source range of the code this line prints (offsets). */
  start: number;
  end: number;
  leading: Comment[];
  trailing: Comment[];
  /** Lines of one block share a trailing-comment column. */
  block: number;
  /** Indent of the comments on their own lines before this line (a closing brace's are the block's). */
  commentIndent: string;
  /** Whether a blank line precedes this line (or its leading comments) in the output. */
  blankBefore: boolean;
}

export function formatText(text: string): string | undefined {
  const a = analyzeText(text);
  return formatAnalysis(a);
}

export function formatAnalysis(a: DocumentAnalysis): string | undefined {
  const f = formatLines(a);
  if (!f) return undefined;
  if (f.out.length === 0) return '';
  return f.out.map(trimBlanksEnd).join(f.eol) + f.eol;
}

/** A part of the document and its canonical text. */
export interface FormattedRegion {
  start: number;
  end: number;
  text: string;
}

/**
 * The canonical layout as consecutive regions of the document, each with its formatted text:
 * a declaration with the comments and blank lines before it and the comments after it on its
 * lines, from the line after the previous one's end (declarations sharing a line share a
 * region). The regions cover the document and their texts joined are formatAnalysis's result,
 * so a region whose text equals the document's is left as it is. Undefined as formatAnalysis.
 */
export function formatRegions(a: DocumentAnalysis): FormattedRegion[] | undefined {
  const f = formatLines(a);
  if (!f) return undefined;
  const { out, unit, unitEnd, eol } = f;
  const text = a.text;
  const regions: FormattedRegion[] = [];
  let start = 0;
  let first = 0; // first output line of the open region
  for (let i = 1; i <= out.length; i++) {
    if (i < out.length && unit[i] === unit[i - 1]) continue;
    if (i < out.length) {
      // Close the region after the line holding the previous unit's end, if the next unit starts after it.
      const endLine = a.lines.positionAt(unitEnd.get(unit[i - 1]) ?? start).line;
      const cut = endLine + 1 < a.lines.lineCount ? a.lines.lineStart(endLine + 1) : text.length;
      if (cut > (unitStart(f, unit[i]) ?? cut)) continue;
      regions.push({ start, end: cut, text: out.slice(first, i).map(trimBlanksEnd).join(eol) + eol });
      start = cut;
      first = i;
    } else regions.push({ start, end: text.length, text: out.length === 0 ? '' : out.slice(first).map(trimBlanksEnd).join(eol) + eol });
  }
  if (regions.length === 0) regions.push({ start: 0, end: text.length, text: '' });
  return regions;
}

function unitStart(f: FormattedLines, u: number): number | undefined {
  return f.unitStart.get(u);
}

/** The output lines, the unit (declaration, or the comments after the last) each belongs to, and each unit's source extent. */
interface FormattedLines {
  out: string[];
  unit: number[];
  unitStart: Map<number, number>;
  unitEnd: Map<number, number>;
  eol: string;
}

function formatLines(a: DocumentAnalysis): FormattedLines | undefined {
  if (a.hasSyntaxErrors) return undefined;
  const text = a.text;
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const lines: Line[] = [];
  let block = 0;
  const add: Add = (t, indent, r, b, commentIndent = indent) => {
    lines.push({ text: t, indent, start: r.startOffset, end: r.endOffset, leading: [], trailing: [], block: b, blankBefore: false, commentIndent });
  };
  const multiLine = new Set<number>();
  const declOf: number[] = [];
  for (const d of a.ast.declarations) {
    block++;
    const first = lines.length;
    printDeclaration(d, block, add, text);
    for (let i = first; i < lines.length; i++) declOf.push(block);
    if (lines.length - first > 1) multiLine.add(block);
  }

  // Attach comments.
  const trailingTail: Comment[] = [];
  let li = 0;
  for (const c of a.ast.comments) {
    const at = c.range.startOffset;
    while (li < lines.length && lines[li].end <= at) li++;
    const prev = li > 0 ? lines[li - 1] : undefined;
    const cur = lines[li];
    if (cur && cur.start < at) {
      cur.trailing.push(c); // inside the code of this line
    } else if (prev && !hasLineBreak(text, prev.end, at)) {
      prev.trailing.push(c);
    } else if (cur) {
      cur.leading.push(c);
    } else {
      trailingTail.push(c);
    }
  }

  // A multi-line declaration is always set off by a blank line from what surrounds it.
  lines.forEach((l, i) => {
    if (i > 0 && declOf[i] !== declOf[i - 1] && (multiLine.has(declOf[i]) || multiLine.has(declOf[i - 1]))) {
      l.blankBefore = true;
    }
  });

  // Trailing-comment column per block: two spaces after the longest commented line.
  const column = new Map<number, number>();
  for (const l of lines) {
    if (l.trailing.length > 0) column.set(l.block, Math.max(column.get(l.block) ?? 0, l.indent.length + l.text.length + 2));
  }

  // Other blank lines: one wherever the source had at least one between two items.
  const out: string[] = [];
  const unit: number[] = [];
  const unitStart = new Map<number, number>();
  const unitEnd = new Map<number, number>();
  let u = 0;
  const emit = (line: string, from: number, to: number): void => {
    out.push(line);
    unit.push(u);
    if (from >= 0 && !unitStart.has(u)) unitStart.set(u, from);
    if (to >= 0) unitEnd.set(u, Math.max(unitEnd.get(u) ?? to, to));
  };
  let lastEnd = -1;
  const blankSince = (start: number): boolean => lastEnd >= 0 && countLineBreaks(text, lastEnd, start) >= 2;
  lines.forEach((l, i) => {
    u = declOf[i];
    let blank = l.blankBefore && i > 0;
    for (const c of l.leading) {
      if (blank || blankSince(c.range.startOffset)) emit('', -1, -1);
      blank = false;
      emit(l.commentIndent + commentText(c), c.range.startOffset, c.range.endOffset);
      lastEnd = c.range.endOffset;
    }
    if (blank || blankSince(l.start)) emit('', -1, -1);
    let s = l.indent + l.text;
    if (l.trailing.length > 0) s = s.padEnd(column.get(l.block) ?? s.length + 2) + l.trailing.map(commentText).join(' ');
    lastEnd = Math.max(l.end, ...l.trailing.map((c) => c.range.endOffset));
    emit(s, l.start, lastEnd);
  });
  if (trailingTail.length > 0) {
    u = block + 1;
    for (const c of trailingTail) {
      if (blankSince(c.range.startOffset)) emit('', -1, -1);
      emit(commentText(c), c.range.startOffset, c.range.endOffset);
      lastEnd = c.range.endOffset;
    }
  }
  return { out, unit, unitStart, unitEnd, eol };
}

function commentText(c: Comment): string {
  // A line comment keeps its text, minus trailing blanks; block comments are kept verbatim.
  return c.block ? c.text : c.text.trimEnd();
}

/**
 * The line without its trailing spaces and tabs. A loop, not /[ \t]+$/: a regex retries from
 * every blank of a long run that text follows, quadratic in the run (seconds for a comment
 * holding 50,000 spaces).
 */
function trimBlanksEnd(line: string): string {
  let end = line.length;
  for (let c = line.charCodeAt(end - 1); c === 32 || c === 9; c = line.charCodeAt(end - 1)) end--;
  return end === line.length ? line : line.slice(0, end);
}

function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return true;
  }
  return false;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) n++;
    else if (ch === 13 && text.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

type Add = (text: string, indent: string, r: { startOffset: number; endOffset: number }, block: number, commentIndent?: string) => void;

const span = (a: Range, b: Range | undefined): { startOffset: number; endOffset: number } => ({
  startOffset: a.startOffset,
  endOffset: (b ?? a).endOffset,
});

function printDeclaration(compact: Declaration, block: number, add: Add, text: string): void {
  const IN = '  ';
  if (isCompactNetwork(compact)) return add(compactOneLine(compact as NetworkDecl, text), '', compact.range, block);
  // A compact structured network: its rows from its tokens (structuredRows), else its tree made
  // for this pass only (not kept: see compactStructured.ts).
  const body = isCompactStructured(compact) ? structuredRows(compact as NetworkDecl, text) : undefined;
  if (body) {
    const n = compact as NetworkDecl;
    add(`network ${n.name} {`, '', span(n.keywordRange, n.openBrace), -2 * block);
    const aligned = alignNetworkBody(body.rows);
    body.ranges.forEach((r, i) => add(aligned[i], IN, r, block));
    add('}', '', n.closeBrace ?? n.range, -2 * block - 1, IN);
    return;
  }
  const d = expandedStructured(compact) as Declaration;
  if (d.kind === 'cell') {
    add(`cell ${d.name} = "${d.string?.value ?? ''}"`, '', d.range, block);
    return;
  }
  if (d.kind === 'network') {
    if (d.form === 'string') return add(`network ${d.name} = "${d.string?.value ?? ''}"`, '', d.range, block);
    if (d.form === 'list') return add(`network ${d.name} = ${listText(d.list?.items.map((n) => n.text) ?? [])}`, '', d.range, block);
    add(`network ${d.name} {`, '', span(d.keywordRange, d.openBrace), -2 * block);
    const clauses = d.clauses ?? [];
    const body = alignNetworkBody(clauses.map(clauseRow));
    clauses.forEach((c, i) => add(body[i], IN, c.range, block));
    add('}', '', d.closeBrace ?? d.range, -2 * block - 1, IN);
    return;
  }
  if (d.kind === 'search') {
    add(`search ${d.name} {`, '', span(d.keywordRange, d.openBrace), -2 * block);
    for (const s of d.statements) add(statementText(s), IN, s.range, block);
    add('}', '', d.closeBrace ?? d.range, -2 * block - 1, IN);
    return;
  }
  add(`propagate ${d.name} from ${d.from?.text ?? ''} {`, '', span(d.keywordRange, d.openBrace), -2 * block);
  for (const s of d.statements) add(statementText(s), IN, s.range, block);
  add('}', '', d.closeBrace ?? d.range, -2 * block - 1, IN);
}

/**
 * A compact one-line network's canonical line, from its text (reading its list or string would
 * rebuild its numbers and keep them): a valid network that drew no diagnostic, so the string's
 * value is what lies between its quotes and the list's items are plain digit runs.
 */
function compactOneLine(d: NetworkDecl, text: string): string {
  const src = text.slice(d.range.startOffset, d.range.endOffset);
  const eq = src.indexOf('=', d.nameRange.endOffset - d.range.startOffset);
  if (d.form === 'string') return `network ${d.name} = "${src.slice(src.indexOf('"', eq) + 1, src.lastIndexOf('"'))}"`;
  return `network ${d.name} = ${listText(src.slice(eq + 1).match(/\d+/g) ?? [])}`;
}

type Row = Parameters<typeof alignNetworkBody>[0][number];

/**
 * The rows of a compact structured network (valid, no diagnostic) read from its tokens: `stem`
 * and `head` with their numbers, `stage N` with `blocks N`, `units [..]`, `channels [..]` in any
 * order, commas allowed between. Undefined for anything else (the caller parses it again).
 */
function structuredRows(d: NetworkDecl, text: string): { rows: Row[]; ranges: { startOffset: number; endOffset: number }[] } | undefined {
  const from = d.range.startOffset;
  const toks = T.lex(text.slice(from, d.range.endOffset)).tokens;
  const rows: Row[] = [];
  const ranges: { startOffset: number; endOffset: number }[] = [];
  const end = (k: number) => from + toks[k].startOffset + toks[k].image.length;
  let i = 0;
  while (i < toks.length && toks[i].tokenType !== T.LBrace) i++;
  i++;
  let ok = i < toks.length;
  while (ok && i < toks.length && toks[i].tokenType !== T.RBrace) {
    const t = toks[i];
    const start = from + t.startOffset;
    if (t.tokenType === T.Stem || t.tokenType === T.Head) {
      const values: string[] = [];
      let last = i;
      for (i++; i < toks.length && (toks[i].tokenType === T.NumberTok || toks[i].tokenType === T.Comma); i++) {
        if (toks[i].tokenType === T.NumberTok) {
          values.push(toks[i].image);
          last = i;
        }
      }
      rows.push({ kind: t.tokenType === T.Stem ? 'stem' : 'head', values });
      ranges.push({ startOffset: start, endOffset: end(last) });
    } else if (t.tokenType === T.Stage && toks[i + 1]?.tokenType === T.NumberTok) {
      const index = toks[i + 1].image;
      const fields: { field: 'blocks' | 'units' | 'channels'; text: string }[] = [];
      let last = i + 1;
      i += 2;
      for (;;) {
        const f = toks[i]?.tokenType;
        if (f === T.Comma) i++;
        else if (f === T.Blocks && toks[i + 1]?.tokenType === T.NumberTok) {
          fields.push({ field: 'blocks', text: `blocks ${toks[i + 1].image}` });
          last = i + 1;
          i += 2;
        } else if ((f === T.Units || f === T.Channels) && toks[i + 1]?.tokenType === T.LBracket) {
          const items: string[] = [];
          let k = i + 2;
          for (; k < toks.length && (toks[k].tokenType === T.NumberTok || toks[k].tokenType === T.Comma); k++) if (toks[k].tokenType === T.NumberTok) items.push(toks[k].image);
          if (toks[k]?.tokenType !== T.RBracket) {
            ok = false;
            break;
          }
          fields.push({ field: f === T.Units ? 'units' : 'channels', text: `${f === T.Units ? 'units' : 'channels'} ${listText(items)}` });
          last = k;
          i = k + 1;
        } else break;
      }
      rows.push({ kind: 'stage', index, fields });
      ranges.push({ startOffset: start, endOffset: end(last) });
    } else ok = false;
  }
  return ok && i < toks.length ? { rows, ranges } : undefined;
}

function clauseRow(c: NetworkClause): Parameters<typeof alignNetworkBody>[0][number] {
  if (c.kind !== 'stage') return { kind: c.kind, values: c.values.map((v) => v.text) };
  return {
    kind: 'stage',
    index: c.index?.text ?? '',
    fields: c.fields.map((f) => ({
      field: f.field,
      text: f.field === 'blocks' ? `blocks ${f.value?.text ?? ''}`.trimEnd() : `${f.field} ${listText(f.list?.items.map((n) => n.text) ?? [])}`,
    })),
  };
}

function statementText(s: SearchStatement): string {
  switch (s.kind) {
    case 'measurements':
      return `measurements ${s.value ? `"${s.value.value}"` : ''}`.trimEnd();
    case 'measure':
    case 'slurm':
      return `${s.kind} ${s.value ? `"${s.value.value}"` : ''}`.trimEnd();
    case 'unknown':
      return `${s.word} ${s.valueText}`.trimEnd();
    case 'maximize': {
      const w = s.weightLit ? `${s.weightLit.text} * ` : '';
      return `maximize ${w}${s.setting?.text ?? ''}${s.metric ? `.${s.metric.text}` : ''}`;
    }
    case 'flops':
    case 'params':
      return `${s.kind} <= ${s.value?.text ?? ''}${s.unit ? ` ${s.unit.text}` : ''}`;
    case 'strategy':
      return `strategy ${s.value?.text ?? ''}`;
    case 'input':
      // `512x1024` is two tokens (512, x1024): glued again; other parts one space apart
      return `input ${s.parts.map((p, i) => (i > 0 && /^[xX]\d/.test(p.text) ? p.text : ` ${p.text}`)).join('').trim()}`;
    default:
      return `${s.kind} ${s.value?.text ?? ''}`;
  }
}
