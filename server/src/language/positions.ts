// Offsets ⇄ LSP positions (0-based line, UTF-16 character). Line breaks are \n, \r\n and \r,
// as in LSP; JavaScript string indices are already UTF-16 code units.
import type { Position, Range } from './ast';

export class LineIndex {
  private readonly starts: number[] = [0];
  /** Line of the last lookup: lookups mostly move forward a little, so try there first. */
  private last = 0;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
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

  /** Range of [start, end) in offsets. */
  range(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset), startOffset, endOffset };
  }
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
