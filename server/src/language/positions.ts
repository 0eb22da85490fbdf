// Offsets ⇄ LSP positions (0-based line, UTF-16 character). Line breaks are \n, \r\n and \r,
// as in LSP; JavaScript string indices are already UTF-16 code units.
import type { NetworkNumber, NetworkNumberRole, Position, Range } from './ast';

/** The line index of a document's current text (replaced at each version). */
export interface DocumentLines {
  lines: LineIndex;
}

/**
 * Where ranges read their offsets and positions from: ranges store offsets relative to `base`,
 * and positions come from `doc.lines`. The incremental analysis moves a chunk of a document by
 * changing its source's base, and points every chunk at the document's current line index, so
 * no range is rewritten when text before it changes.
 */
export class LineSource {
  constructor(
    public base: number,
    public doc: DocumentLines,
  ) {}
}

/**
 * A range that stores two offsets only; its LSP positions are computed from the line index when
 * read. Position objects were most of a large document's syntax tree, and of its
 * garbage-collection time: positions are read only for what a request answers.
 */
export class OffsetRange implements Range {
  #start: number;
  #end: number;
  readonly #source: LineSource;

  constructor(startOffset: number, endOffset: number, source: LineSource) {
    this.#source = source;
    this.#start = startOffset - source.base;
    this.#end = endOffset - source.base;
  }

  get startOffset(): number {
    return this.#start + this.#source.base;
  }

  set startOffset(v: number) {
    this.#start = v - this.#source.base;
  }

  get endOffset(): number {
    return this.#end + this.#source.base;
  }

  set endOffset(v: number) {
    this.#end = v - this.#source.base;
  }

  get start(): Position {
    return this.#source.doc.lines.positionAt(this.#start + this.#source.base);
  }

  get end(): Position {
    return this.#source.doc.lines.positionAt(this.#end + this.#source.base);
  }

  /** The text the range covers, read from the document. */
  sourceText(): string {
    return this.#source.doc.lines.text.slice(this.startOffset, this.endOffset);
  }

  /** Plain data for JSON (diagnostics' data quotes ranges) and for comparisons in tests. */
  toJSON(): Range {
    return { start: this.start, end: this.end, startOffset: this.startOffset, endOffset: this.endOffset };
  }
}

/**
 * A number of a network. Its text is read from the document when asked for (formatting, hovers,
 * messages), not kept: a large document has millions of numbers, and a string each was a tenth
 * of its memory.
 */
export class NetNumber implements NetworkNumber {
  index = -1;
  role: NetworkNumberRole = 'extra';

  constructor(
    public value: number,
    public range: OffsetRange,
  ) {}

  get text(): string {
    return this.range.sourceText();
  }

  toJSON(): NetworkNumber {
    return { value: this.value, text: this.text, range: this.range, index: this.index, role: this.role };
  }
}

export class LineIndex {
  /** Line starts, scanned when first needed: a chunk of a large document reads positions from the document's index, never its own. */
  #starts: number[] | undefined;
  /** The source of the ranges this index makes (see OffsetRange). */
  readonly source: LineSource = new LineSource(0, { lines: this });
  /** Line of the last lookup: lookups mostly move forward a little, so try there first. */
  private last = 0;

  constructor(readonly text: string, scan = true) {
    if (!scan) this.#starts = [0];
  }

  private get starts(): number[] {
    if (this.#starts) return this.#starts;
    const starts = [0];
    scanLineStarts(this.text, 0, this.text.length, starts);
    this.#starts = starts;
    return starts;
  }

  private set starts(v: number[]) {
    this.#starts = v;
  }

  /**
   * The index of `text`, made from `prev` (the index of the text before an edit that replaced
   * [start, oldEnd) by [start, newEnd)): the line starts outside the edit are copied or moved,
   * only the edited part is scanned. Same result as `new LineIndex(text)`, in time proportional
   * to the line count instead of the character count.
   */
  static afterEdit(prev: LineIndex, text: string, start: number, oldEnd: number, newEnd: number): LineIndex {
    const next = new LineIndex(text, false);
    const old = prev.starts;
    // Line starts before the line above the edit do not depend on it (a start depends on the two characters before it).
    const from = old[Math.max(0, prev.positionAt(start).line - 1)];
    const starts: number[] = [];
    for (let k = 0; k < old.length && old[k] < from; k++) starts.push(old[k]);
    starts.push(from);
    const to = Math.min(text.length, newEnd + 4);
    scanLineStarts(text, from, to, starts);
    const delta = newEnd - oldEnd;
    const after = Math.max(to, starts[starts.length - 1]);
    for (let k = lowerBound(old, after - delta + 1); k < old.length; k++) starts.push(old[k] + delta);
    next.starts = starts;
    return next;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset where a line (0-based) starts. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const s = this.starts;
    const n = s.length;
    let l = this.last;
    if (s[l] <= o) {
      // Walk forward a few lines before falling back to the binary search.
      for (let k = 0; k < 4 && l + 1 < n && s[l + 1] <= o; k++) l++;
      if (l + 1 >= n || s[l + 1] > o) {
        this.last = l;
        return { line: l, character: o - s[l] };
      }
    }
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[Math.max(0, pos.line)];
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length;
    return Math.min(start + Math.max(0, pos.character), next);
  }

  /** Range of [start, end) in offsets (positions computed when read). */
  range(startOffset: number, endOffset: number): OffsetRange {
    return new OffsetRange(startOffset, endOffset, this.source);
  }
}

/** Appends the start of every line that begins after a line break found in [from, to) (one more character is read for a CRLF). */
function scanLineStarts(text: string, from: number, to: number, out: number[]): void {
  // A long stretch without '\r' (the usual case): find the '\n's with indexOf, a native search
  // several times faster than reading each character (a large document's first analysis).
  if (to - from > 4096) {
    const cr = text.indexOf('\r', from);
    if (cr === -1 || cr >= to) {
      for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) out.push(i + 1);
      return;
    }
  }
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      out.push(i + 1);
    } else if (c === 10 /* \n */) {
      out.push(i + 1);
    }
  }
}

/** First index whose value is ≥ x (sorted list). */
function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Smallest range covering both. */
export function spanRanges(a: Range, b: Range): Range {
  const first = a.startOffset <= b.startOffset ? a : b;
  const last = a.endOffset >= b.endOffset ? a : b;
  return { start: first.start, end: last.end, startOffset: first.startOffset, endOffset: last.endOffset };
}

export function containsOffset(r: Range, offset: number): boolean {
  return offset >= r.startOffset && offset <= r.endOffset;
}
