// Where the explorer writes the names of the file's networks: beside each marker, at the first of
// a few positions (right above, right below, left above, left below, above, below) that stays
// inside the plot and overprints no other name or marker. A name with no such place is left out
// of the plot (the view lists it; the marker keeps its tooltip). Pure: the tests run it in node.

export interface LabelWanted {
  /** The marker's centre, in SVG pixels. */
  x: number;
  y: number;
  label: string;
}

export interface LabelPlaced {
  label: string;
  /** Text position (baseline) and anchor, as SVG <text> takes them. */
  x: number;
  y: number;
  anchor: 'start' | 'end' | 'middle';
  box: Box;
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Text height above and below the baseline at the label font (11 px). */
const ASCENT = 9;
const DESCENT = 3;
/** Half the marker's size (the diamond is 10 px across). */
const MARK = 5;

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const within = (a: Box, b: Box) => a.left >= b.left && a.right <= b.right && a.top >= b.top && a.bottom <= b.bottom;

export function placeLabels(wanted: readonly LabelWanted[], plot: Box, width: (text: string) => number): { placed: LabelPlaced[]; skipped: string[] } {
  const marks: Box[] = wanted.map((w) => ({ left: w.x - MARK, top: w.y - MARK, right: w.x + MARK, bottom: w.y + MARK }));
  const taken: Box[] = [];
  const placed: LabelPlaced[] = [];
  const skipped: string[] = [];
  wanted.forEach((w, i) => {
    const tw = width(w.label);
    const candidates: { x: number; y: number; anchor: LabelPlaced['anchor'] }[] = [
      { x: w.x + 8, y: w.y - 6, anchor: 'start' },
      { x: w.x + 8, y: w.y + 14, anchor: 'start' },
      { x: w.x - 8, y: w.y - 6, anchor: 'end' },
      { x: w.x - 8, y: w.y + 14, anchor: 'end' },
      { x: w.x, y: w.y - 9, anchor: 'middle' },
      { x: w.x, y: w.y + 19, anchor: 'middle' },
    ];
    for (const c of candidates) {
      const left = c.anchor === 'start' ? c.x : c.anchor === 'end' ? c.x - tw : c.x - tw / 2;
      const box = { left: left - 1, top: c.y - ASCENT, right: left + tw + 1, bottom: c.y + DESCENT };
      if (!within(box, plot)) continue;
      if (taken.some((t) => overlaps(t, box))) continue;
      if (marks.some((m, k) => k !== i && overlaps(m, box))) continue;
      taken.push(box);
      placed.push({ label: w.label, x: c.x, y: c.y, anchor: c.anchor, box });
      return;
    }
    skipped.push(w.label);
  });
  return { placed, skipped };
}
