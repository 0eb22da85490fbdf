// Incremental analysis for large documents. The parser already parses each declaration on its
// own (the token stream is cut at every `network` / `cell` / `propagate` keyword), so a document
// can be cut into chunks at lines that start with such a keyword, each chunk analysed on its own
// and cached by its text: a keystroke re-parses only the chunk it touched. Chunk results are then
// moved to their place in the document and merged; the checks that span declarations (duplicate
// names, `from` references, a propagation's view of its start network) are redone on the whole.
// Small documents, and anything unusual (an unterminated block comment), take the plain path.
// test/lsp/incremental.test.ts checks the result equals analyzeText's on many documents.
import { analyzeText, declarationAt, withLazyTokens, duplicateNameDiagnostic, undefinedNameDiagnostic, type DocumentAnalysis, type NameReference } from '../../language/analyze';
import type { CellDecl, Declaration, NetworkDecl, PropagateDecl } from '../../language/ast';
import type { NcpDiagnostic } from '../../language/diagnostics';
import { LineIndex, type DocumentLines } from '../../language/positions';
import { RELEASE_MIN_CHARS, largeDocument } from './memory';
import { compactStructured } from '../../language/compactStructured';
import type { SettingCatalogue } from '../../core/settings';

const keys = new WeakMap<SettingCatalogue, string>();

/** What of a catalogue an analysis reads (names, tasks, metrics, labels), as one string; '' for the active one. */
export function catalogueKey(c: SettingCatalogue | undefined): string {
  if (!c) return '';
  let k = keys.get(c);
  if (k === undefined) {
    k = JSON.stringify([c.settings.map((s) => [s.name, s.task, s.space, s.label, s.metrics]), c.tasks()]);
    keys.set(c, k);
  }
  return k;
}

/** Below this size the whole-text analysis is fast enough and simplest. */
export const INCREMENTAL_MIN_CHARS = 20_000;

const DECL_KEYWORD = /(?:network|cell|propagate)(?![A-Za-z0-9_]|-[A-Za-z0-9_])/y;
const SYNTAX_CODES = new Set(['parse-error', 'lex-error', 'unterminated-string', 'unterminated-comment']);

/**
 * Offsets of the lines that start (after blanks) with a declaration keyword outside comments and
 * strings: the places where the parser cuts the document too. Undefined when a block comment
 * never closes (it swallows everything after it; the plain path handles that).
 */
export function chunkStarts(text: string): number[] | undefined {
  return scanChunkStarts(text, 0)?.starts;
}

/**
 * The cut points from `from` on (a cut point of the same text, or 0: the scanner's state there is
 * known, a line start outside comments and strings). Stops at the first cut point `q` for which
 * `stop(q)` holds (it is not included; `stoppedAt` says where).
 */
function scanChunkStarts(text: string, from: number, stop?: (q: number) => boolean): { starts: number[]; stoppedAt?: number } | undefined {
  const starts = [from];
  const n = text.length;
  let i = from;
  let lineStart = true;
  // Next '\n', '\r', '"' and '/' at or after where each was last searched from (see the last branch).
  let nl = -1;
  let cr = -1;
  let qt = -1;
  let sl = -1;
  const at = (x: number): number => (x < 0 ? n : x);
  while (i < n) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      let j = i;
      for (;;) {
        const w = text.charCodeAt(j);
        // blanks the lexer skips (not line breaks): space, tab, vertical tab, form feed, nbsp, BOM
        if (w === 32 || w === 9 || w === 11 || w === 12 || w === 0xa0 || w === 0xfeff) j++;
        else break;
      }
      const k = text.charCodeAt(j);
      // Only 'n', 'c' and 'p' can start a declaration keyword: test the regex on those alone.
      if (i > from && (k === 110 || k === 99 || k === 112)) {
        DECL_KEYWORD.lastIndex = j;
        if (DECL_KEYWORD.test(text)) {
          if (stop?.(i)) return { starts, stoppedAt: i };
          starts.push(i);
        }
      }
      lineStart = false;
      i = j;
      continue;
    }
    if (c === 10 || c === 13) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      lineStart = true;
    } else if (c === 34 /* " */) {
      // Strings end at their quote or at the end of the line.
      if (qt <= i) qt = at(text.indexOf('"', i + 1));
      if (nl <= i) nl = at(text.indexOf('\n', i + 1));
      if (cr <= i) cr = at(text.indexOf('\r', i + 1));
      i = qt < nl && qt < cr ? qt + 1 : Math.min(nl, cr);
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      let q = text.charCodeAt(i);
      while (i < n && q !== 10 && q !== 13) q = text.charCodeAt(++i);
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      // Line starts inside the comment are no cut points; the line after it may be.
      i = end + 2;
    } else if (c === 47) {
      i++;
    } else {
      // Nothing changes the state before the next line break, quote or slash: jump there. Each is
      // found with indexOf (a native search) and kept until passed, so the text is searched once
      // per character kind instead of read a character at a time (12 MB: 40 → a few ms).
      if (nl < i) nl = at(text.indexOf('\n', i));
      if (cr < i) cr = at(text.indexOf('\r', i));
      if (qt < i) qt = at(text.indexOf('"', i));
      if (sl < i) sl = at(text.indexOf('/', i));
      i = Math.min(nl, cr, qt, sl);
    }
  }
  return { starts };
}

/** Length of the common prefix of two strings (compared a block at a time: V8 compares flat strings fast). */
function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  const B = 4096;
  let i = 0;
  while (i + B <= n && a.slice(i, i + B) === b.slice(i, i + B)) i += B;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common suffix, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  const B = 4096;
  let k = 0;
  while (k + B <= max && a.slice(a.length - k - B, a.length - k) === b.slice(b.length - k - B, b.length - k)) k += B;
  while (k < max && a.charCodeAt(a.length - 1 - k) === b.charCodeAt(b.length - 1 - k)) k++;
  return k;
}

const NO_NETWORKS: Map<string, NetworkDecl> = new Map();
const NO_CELLS: Map<string, CellDecl> = new Map();
const NONE: never[] = Object.freeze([]) as never[];

/**
 * A chunk's analysis less what the merge rebuilds for the whole document (name tables,
 * references, propagations): a large document has a chunk per declaration, and these were a
 * few hundred bytes each.
 */
function slim(a: DocumentAnalysis): DocumentAnalysis {
  a.networks = NO_NETWORKS;
  a.cells = NO_CELLS;
  a.references = NONE;
  a.propagations = NONE;
  // Most chunks have neither: one shared empty list (frozen: chunk analyses are never added to).
  if (a.diagnostics.length === 0) a.diagnostics = NONE;
  if (a.ast.comments.length === 0) a.ast.comments = NONE;
  return a;
}

/** The end of what decides that a cut point is one: blanks, the keyword, and the character after it (two after a '-': see DECL_KEYWORD). */
function cutEnd(text: string, at: number): number {
  let j = at;
  for (;;) {
    const w = text.charCodeAt(j);
    if (w === 32 || w === 9 || w === 11 || w === 12 || w === 0xa0 || w === 0xfeff) j++;
    else break;
  }
  const k = text.charCodeAt(j);
  const end = j + (k === 110 ? 7 : k === 99 ? 4 : 9);
  return end + (text.charCodeAt(end) === 45 /* - */ ? 2 : 1);
}

/** A copy of a slice that does not keep the whole document's text alive (V8 slices point into their parent). */
function detached(s: string): string {
  return (' ' + s).slice(1);
}

interface Chunk {
  text: string;
  analysis: DocumentAnalysis;
  /** Where the chunk starts in the document: offset and line. */
  offset: number;
  line: number;
  /** Where the chunk starts in the text its analysis was made from (after the blank lines analyzeChunk puts before it). */
  origin: number;
  /** Texts of the declarations appended as context (propagations only), joined. */
  context: string;
  /** Its messages quote line numbers: valid only at this line. */
  lineBound: boolean;
  /** Whether it declares a propagation (its context may change when other chunks do). */
  propagates: boolean;
}

/** Texts of the declarations the propagations among `decls` start from, when declared elsewhere. */
function contextOf(decls: readonly Declaration[], networks: Map<string, NetworkDecl>, cells: Map<string, CellDecl>, text: string): string {
  const local = new Set(decls.map((d) => d.name));
  const ctx: string[] = [];
  for (const d of decls) {
    const name = d.kind === 'propagate' ? d.from?.text : undefined;
    if (!name || local.has(name)) continue;
    const target = networks.get(name) ?? cells.get(name);
    if (target) ctx.push(text.slice(target.range.startOffset, target.range.endOffset));
  }
  return [...new Set(ctx)].join('\n');
}

/** Messages that quote a line number ("first on line 5") depend on where the chunk is. */
const QUOTES_LINE = /\bline \d+/;

/**
 * Analyses a chunk, with `context` (declarations its propagations start from) appended and, when
 * `atLine` > 0, preceded by that many empty lines so quoted line numbers come out right (the
 * chunk then starts at offset `atLine` of the analysed text).
 */
function analyzeChunk(text: string, context: string, atLine: number, catalogue: SettingCatalogue | undefined): DocumentAnalysis {
  const prefix = '\n'.repeat(atLine);
  if (!context && atLine === 0) return analyzeText(text, { catalogue });
  const full = analyzeText(prefix + text + (context ? '\n' + context : ''), { catalogue });
  // Keep only what lies in the chunk itself.
  const end = prefix.length + text.length;
  full.ast.declarations = full.ast.declarations.filter((d) => d.range.startOffset < end);
  full.ast.comments = full.ast.comments.filter((c) => c.range.startOffset < end);
  // `end` is the newline before the context: a diagnostic there (e.g. "found the end of the file") is the chunk's.
  full.diagnostics = full.diagnostics.filter((d) => d.range.startOffset <= end);
  // The tokens read from `text` (lazily): give the analysis the chunk's own text (with its blank-line prefix).
  full.text = prefix + text;
  return full;
}

function quotesLines(a: DocumentAnalysis): boolean {
  return a.diagnostics.some((d) => d.code !== 'duplicate-name' && QUOTES_LINE.test(d.message));
}

/** What is kept of a document between versions: its text, line index and chunks in order. */
interface DocState {
  text: string;
  /** The catalogue its chunks were analysed against (catalogueKey; '' for the active one). */
  catalogue: string;
  /** The current line index, read by every chunk's ranges (see LineSource). */
  doc: DocumentLines;
  chunks: Chunk[];
  /** The last merged analysis, and what decides whether an edit can be spliced into it. */
  merged?: DocumentAnalysis;
  /** Names some propagation starts from, and names declared more than once. */
  fromNames?: Set<string>;
  dupNames?: Set<string>;
}

/** What an edit replaced: the old chunks [first, first + removed.length) by `added`, at document offset `from`. */
interface Splice {
  from: number;
  removed: Chunk[];
  added: Chunk[];
  /** Whether chunks outside the edited part were analysed again (their messages quote moved lines). */
  outsideRedone: boolean;
}

export class IncrementalAnalyzer {
  private readonly docs = new Map<string, DocState>();
  /** Chunks analysed (not reused) since start, for tests and benchmarks. */
  chunkAnalyses = 0;
  /** Versions spliced into the previous analysis (no whole-document merge), for tests. */
  splices = 0;

  /** The catalogue of the analyze call under way (undefined: the active one). */
  private catalogue: SettingCatalogue | undefined;

  constructor(private readonly minChars = INCREMENTAL_MIN_CHARS) {}

  forget(uri: string): void {
    this.docs.delete(uri);
    largeDocument(uri, false);
  }

  /**
   * `catalogue`: the settings objectives may name (default the active catalogue). Chunks are kept
   * for one catalogue per document: another one analyses the document afresh.
   */
  analyze(uri: string, text: string, catalogue?: SettingCatalogue): DocumentAnalysis {
    this.catalogue = catalogue;
    if (text.length < this.minChars) {
      this.forget(uri);
      return analyzeText(text, { catalogue });
    }
    const key = catalogueKey(catalogue);
    let prev = this.docs.get(uri);
    if (prev && prev.catalogue !== key) prev = undefined;
    let next: { doc: DocumentLines; chunks: Chunk[]; splice?: Splice } | undefined = prev ? this.afterEdit(prev, text) : undefined;
    if (!next) {
      // First version, or the edit path cannot take it: cut the whole text.
      this.forget(uri);
      const starts = chunkStarts(text);
      if (!starts) return analyzeText(text, { catalogue });
      const lines = new LineIndex(text);
      const doc: DocumentLines = { lines };
      const chunks: Chunk[] = [];
      let line = 0;
      for (let k = 0; k < starts.length; k++) {
        const off = starts[k];
        line = lines.positionAt(off).line;
        chunks.push(this.place(undefined, text.slice(off, k + 1 < starts.length ? starts[k + 1] : text.length), off, line, doc));
      }
      next = { doc, chunks };
    }
    const { doc, chunks } = next;
    const lines = doc.lines;
    // Most keystrokes change no name: splice the edited chunks into the last analysis.
    const spliced = prev && next.splice ? this.spliceInto(prev, next.splice, text, lines) : undefined;
    if (text.length >= RELEASE_MIN_CHARS) largeDocument(uri, true);
    if (spliced) {
      this.splices++;
      this.docs.set(uri, { ...prev!, text, doc, chunks, merged: spliced });
      return spliced;
    }

    // Names across chunks: the first declaration of each name wins (as in analyzeText).
    const networks = new Map<string, NetworkDecl>();
    const cells = new Map<string, CellDecl>();
    for (const c of chunks) {
      for (const d of c.analysis.ast.declarations) {
        if (d.name === '' || d.kind === 'propagate' || d.kind === 'search' || networks.has(d.name) || cells.has(d.name)) continue;
        if (d.kind === 'network') networks.set(d.name, d);
        else cells.set(d.name, d);
      }
    }
    // A propagation is analysed with the declarations it starts from appended (its context).
    for (const c of chunks) {
      if (!c.propagates) continue;
      const context = contextOf(c.analysis.ast.declarations, networks, cells, text);
      if (context !== c.context) this.reanalyze(c, context, c.line, doc);
    }
    const merged = this.merge(text, lines, chunks, networks, cells);
    const fromNames = new Set<string>();
    for (const p of merged.propagations) if (p.from) fromNames.add(p.from.text);
    const dupNames = new Set<string>();
    for (const d of merged.diagnostics) if (d.code === 'duplicate-name') dupNames.add(declarationNameAt(merged, d.range.startOffset));
    this.docs.set(uri, { text, catalogue: key, doc, chunks, merged, fromNames, dupNames });
    return merged;
  }

  /**
   * The new analysis as the last one with the edited chunks' declarations, comments,
   * diagnostics and name definitions swapped in, when that is exactly what a full merge would
   * give: the edited part declares the same kinds and names in the same order, none of them is
   * declared twice or started from by a propagation, it holds no propagation, and no other chunk
   * had to be analysed again. Undefined otherwise (the caller merges everything).
   */
  private spliceInto(prev: DocState, sp: Splice, text: string, lines: LineIndex): DocumentAnalysis | undefined {
    const last = prev.merged;
    if (!last || !prev.fromNames || !prev.dupNames || sp.outsideRedone) return undefined;
    // duplicate-name messages quote the first declaration's line: kept only while no line moves
    if (prev.dupNames.size > 0 && lines.lineCount !== last.lines?.lineCount) return undefined;
    const oldDecls: Declaration[] = [];
    const newDecls: Declaration[] = [];
    for (const c of sp.removed) {
      if (c.propagates) return undefined;
      for (const d of c.analysis.ast.declarations) oldDecls.push(d);
    }
    for (const c of sp.added) {
      if (c.propagates) return undefined;
      for (const d of c.analysis.ast.declarations) newDecls.push(d);
    }
    // No name of the edited part may be declared twice or started from, before or after.
    const networks = last.networks;
    const cells = last.cells;
    const removedSet = new Set(oldDecls);
    const addedNames = new Set<string>();
    for (const d of oldDecls) if (d.name !== '' && (prev.fromNames.has(d.name) || prev.dupNames.has(d.name))) return undefined;
    for (const d of newDecls) {
      if (d.name === '' || d.kind === 'propagate' || d.kind === 'search') continue;
      if (prev.fromNames.has(d.name) || prev.dupNames.has(d.name) || addedNames.has(d.name)) return undefined;
      const other = networks.get(d.name) ?? cells.get(d.name);
      if (other && !removedSet.has(other)) return undefined;
      addedNames.add(d.name);
    }
    const removedNames = oldDecls.filter((d) => d.name !== '').map((d) => d.name);
    const renamed = removedNames.length !== addedNames.size || removedNames.some((n) => !addedNames.has(n));
    // Other names' "did you mean" suggestions quote the declared names.
    if (renamed && last.diagnostics.some((d) => d.code === 'undefined-name')) return undefined;
    // Items of the removed chunks sit together from the first item at or after `from` (the lists
    // are sorted; chunks before the edit end before it, moved ones start after it).
    const swap = <T>(list: readonly T[], startOf: (x: T) => number, out: Set<T> | ((x: T) => boolean), count: number, add: readonly T[]): T[] | undefined => {
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (startOf(list[mid]) < sp.from) lo = mid + 1;
        else hi = mid;
      }
      const isOut = typeof out === 'function' ? out : (x: T) => out.has(x);
      let j = lo;
      while (j < list.length && j - lo < count && isOut(list[j])) j++;
      if (j - lo !== count) return undefined;
      return list.slice(0, lo).concat(add, list.slice(j));
    };
    const set = <T>(xs: T[]): [Set<T>, number] => {
      const out = new Set(xs);
      return [out, out.size];
    };
    const localDiags = (cs: Chunk[]) => cs.flatMap((c) => c.analysis.diagnostics.filter((d) => d.code !== 'duplicate-name' && d.code !== 'undefined-name'));
    const declarations = swap(last.ast.declarations, (d) => d.range.startOffset, ...set(oldDecls), newDecls);
    const comments = swap(last.ast.comments, (c) => c.range.startOffset, ...set(sp.removed.flatMap((c) => c.analysis.ast.comments)), sp.added.flatMap((c) => c.analysis.ast.comments));
    // No propagation in the edited part: its diagnostics rank syntax first, then the rest, in order.
    const added = localDiags(sp.added);
    const rank = (d: NcpDiagnostic) => (SYNTAX_CODES.has(d.code) ? 0 : 1);
    added.sort((a, b) => a.range.startOffset - b.range.startOffset || a.range.endOffset - b.range.endOffset || rank(a) - rank(b));
    const diagnostics = swap(last.diagnostics, (d) => d.range.startOffset, ...set(localDiags(sp.removed)), added);
    if (!declarations || !comments || !diagnostics) return undefined;
    // The removed declarations' definitions (no propagation there: no other references).
    const oldNamed = new Set(oldDecls.filter((d) => d.name !== ''));
    const references = swap(
      last.references,
      (r) => r.range.startOffset,
      (r) => r.kind === 'definition' && r.target !== undefined && oldNamed.has(r.target),
      oldNamed.size,
      newDecls.filter((d) => d.name !== '').map((d): NameReference => ({ name: d.name, range: d.nameRange, kind: 'definition', target: d })),
    );
    if (!references) return undefined;
    // The first declaration of each name. (Map order then differs from a fresh merge's; only
    // undefined-name suggestions read it, and a renaming edit is not spliced while there are any.)
    for (const d of newDecls) {
      if (d.kind === 'network' && d.name !== '') networks.set(d.name, d);
      else if (d.kind === 'cell' && d.name !== '') cells.set(d.name, d);
    }
    const kept = new Set(newDecls);
    for (const d of oldDecls) {
      if (d.name === '' || d.kind === 'propagate' || d.kind === 'search' || kept.has(d)) continue;
      if (d.kind === 'network' && networks.get(d.name) === d) networks.delete(d.name);
      else if (d.kind === 'cell' && cells.get(d.name) === d) cells.delete(d.name);
    }
    return withLazyTokens({
      text,
      ast: { declarations, comments },
      diagnostics,
      networks,
      cells,
      propagations: last.propagations,
      references,
      hasSyntaxErrors: diagnostics.some((d) => SYNTAX_CODES.has(d.code)),
      lines,
    });
  }

  /**
   * The chunks of `text`, from those of the previous version: the texts' common prefix and suffix
   * bound the edit; chunks before it are kept, chunks after it are moved, and only the part in
   * between is cut again (from the cut point before the edit's chunk, whose scanner state is
   * known, to the first cut point after the edit that was a cut point before). Undefined when a
   * block comment now runs to the end of the file.
   */
  private afterEdit(prev: DocState, text: string): { doc: DocumentLines; chunks: Chunk[]; splice?: Splice } | undefined {
    const old = prev.chunks;
    if (old.length === 0) return undefined;
    const p = commonPrefix(prev.text, text);
    const delta = text.length - prev.text.length;
    if (p === text.length && delta === 0) return { doc: prev.doc, chunks: old.slice() };
    const s = commonSuffix(prev.text, text, Math.min(prev.text.length, text.length) - p);
    const oldEnd = prev.text.length - s;
    const newEnd = text.length - s;
    const oldLines = prev.doc.lines;
    const lines = LineIndex.afterEdit(oldLines, text, p, oldEnd, newEnd);
    // The chunk holding the edit's first character; the one before too when the edit touches
    // the characters that make its start a cut point (blanks, keyword and the two after it).
    let k = 0;
    for (let lo = 0, hi = old.length - 1; lo <= hi; ) {
      const mid = (lo + hi) >> 1;
      if (old[mid].offset <= p) (k = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    const k0 = k > 0 && p < cutEnd(prev.text, old[k].offset) ? k - 1 : k;
    const from = old[k0].offset;
    // Resynchronise at a cut point in the unchanged suffix that was a cut point before, too.
    let resume = old.length;
    const scan = scanChunkStarts(text, from, (q) => {
      if (q < newEnd) return false;
      const target = q - delta;
      let lo = k0 + 1;
      let hi = old.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (old[mid].offset === target) {
          resume = mid;
          return true;
        }
        if (old[mid].offset < target) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    });
    if (!scan) return undefined;
    // Every chunk, old or new, reads positions from the new index from now on.
    prev.doc.lines = lines;
    const doc = prev.doc;
    const end = scan.stoppedAt ?? text.length;
    const dLine = lines.lineCount - oldLines.lineCount;
    // Chunks of the edited part: reused by text when one is unchanged (at most once each).
    const pool = new Map<string, Chunk[]>();
    for (let j = k0; j < resume; j++) {
      const c = old[j];
      const list = pool.get(c.text);
      if (list) list.push(c);
      else pool.set(c.text, [c]);
    }
    const removed = old.slice(k0, resume);
    const chunks: Chunk[] = old.slice(0, k0);
    for (let j = 0; j < scan.starts.length; j++) {
      const off = scan.starts[j];
      const chunkText = text.slice(off, j + 1 < scan.starts.length ? scan.starts[j + 1] : end);
      chunks.push(this.place(pool.get(chunkText)?.shift(), chunkText, off, lines.positionAt(off).line, doc));
    }
    const added = chunks.slice(k0);
    const before = this.chunkAnalyses;
    for (let j = resume; j < old.length; j++) {
      const c = old[j];
      chunks.push(this.place(c, c.text, c.offset + delta, c.line + dLine, doc));
    }
    return { doc, chunks, splice: { from, removed, added, outsideRedone: this.chunkAnalyses !== before } };
  }

  /** A chunk (reused, or analysed now) moved to `off`, `line` of the document whose lines are `doc`. */
  private place(reused: Chunk | undefined, text: string, off: number, line: number, doc: DocumentLines): Chunk {
    let c = reused;
    if (!c) {
      this.chunkAnalyses++;
      // A copy: a slice would keep this version's whole text alive as long as the chunk.
      const own = detached(text);
      const analysis = analyzeText(own, { tables: false, catalogue: this.catalogue });
      compactStructured(analysis, own);
      slim(analysis);
      // Analysed at line 0: messages that quote line numbers are redone below at the chunk's line.
      c = { text: own, analysis, offset: off, line: 0, origin: 0, context: '', lineBound: quotesLines(analysis), propagates: analysis.ast.declarations.some((d) => d.kind === 'propagate') };
      analysis.lines.source.doc = doc;
    }
    c.offset = off;
    if (c.lineBound && c.line !== line) this.reanalyze(c, c.context, line, doc);
    c.line = line;
    c.analysis.lines.source.base = off - c.origin;
    return c;
  }

  /** Analyses a chunk afresh (new context, or new line for messages that quote lines), at its offset. */
  private reanalyze(c: Chunk, context: string, line: number, doc: DocumentLines): void {
    this.chunkAnalyses++;
    c.context = context;
    let a = analyzeChunk(c.text, context, 0, this.catalogue);
    c.origin = 0;
    c.lineBound = quotesLines(a);
    if (c.lineBound && line > 0) {
      a = analyzeChunk(c.text, context, line, this.catalogue);
      c.origin = line;
    }
    c.line = line;
    c.analysis = slim(a);
    a.lines.source.doc = doc;
    a.lines.source.base = c.offset - c.origin;
  }

  private merge(
    text: string,
    lines: LineIndex,
    chunks: Chunk[],
    networks: Map<string, NetworkDecl>,
    cells: Map<string, CellDecl>,
  ): DocumentAnalysis {
    const declarations: Declaration[] = [];
    const diagnostics: NcpDiagnostic[] = [];
    const astComments: DocumentAnalysis['ast']['comments'] = [];
    // analyzeText reports syntax errors, then each network/cell and duplicate names, then the
    // propagations; among diagnostics at the same range that order decides (the sort is stable).
    const rank = new Map<NcpDiagnostic, number>();
    for (const c of chunks) {
      const a = c.analysis;
      for (const d of a.ast.declarations) declarations.push(d);
      for (const x of a.ast.comments) astComments.push(x);
      if (a.diagnostics.length === 0) continue;
      const props = a.ast.declarations.filter((d) => d.kind === 'propagate' || d.kind === 'search');
      for (const d of a.diagnostics) {
        if (d.code === 'duplicate-name' || d.code === 'undefined-name') continue;
        const o = d.range.startOffset;
        rank.set(d, SYNTAX_CODES.has(d.code) ? 0 : props.some((p) => o >= p.range.startOffset && o <= p.range.endOffset) ? 3 : 1);
        diagnostics.push(d);
      }
    }
    // Only an undefined name needs every name (for its suggestions).
    let allNames: string[] | undefined;
    const references: NameReference[] = [];
    const firstOf = new Map<string, Declaration>();
    const firstProp = new Map<string, Declaration>();
    const propagations: PropagateDecl[] = [];
    for (const d of declarations) {
      if (d.name !== '') {
        references.push({ name: d.name, range: d.nameRange, kind: 'definition', target: d });
        // Not `networks`/`cells`: a chunk analysed again for its propagation's context has new declaration objects.
        const table = d.kind === 'propagate' || d.kind === 'search' ? firstProp : firstOf;
        const first = table.get(d.name);
        if (first) {
          const dup = duplicateNameDiagnostic(d, first);
          diagnostics.push(dup);
          rank.set(dup, 2);
        } else table.set(d.name, d);
      }
      if (d.kind !== 'propagate') continue;
      propagations.push(d);
      if (!d.from) continue;
      const target = networks.get(d.from.text) ?? cells.get(d.from.text);
      references.push({ name: d.from.text, range: d.from.range, kind: 'reference', target, in: d });
      if (!target) {
        allNames ??= [...networks.keys(), ...cells.keys()];
        const undef = undefinedNameDiagnostic(d.from, allNames);
        diagnostics.push(undef);
        rank.set(undef, 3);
      }
    }
    references.sort((a, b) => a.range.startOffset - b.range.startOffset);
    diagnostics.sort(
      (a, b) => a.range.startOffset - b.range.startOffset || a.range.endOffset - b.range.endOffset || (rank.get(a) ?? 1) - (rank.get(b) ?? 1),
    );
    return withLazyTokens({
      text,
      ast: { declarations, comments: astComments },
      diagnostics,
      networks,
      cells,
      propagations,
      references,
      hasSyntaxErrors: diagnostics.some((d) => SYNTAX_CODES.has(d.code)),
      lines,
    });
  }
}

/** The name of the declaration whose name starts at `offset` (a duplicate-name diagnostic's range). */
function declarationNameAt(a: DocumentAnalysis, offset: number): string {
  return declarationAt(a, offset)?.name ?? '';
}
