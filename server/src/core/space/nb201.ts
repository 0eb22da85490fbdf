// NAS-Bench-201 cells: 6 edges (1←0, 2←0, 2←1, 3←0, 3←1, 3←2), each one of 5 ops.
// The op order is NCP's one-hot order (data/nas-bench-201 of the authors' repository).

export const NB201_OPS = ['avg_pool_3x3', 'none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];
export const NB201_EDGES = ['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2'] as const;
/** Source node of each edge, in edge order. */
const EDGE_SOURCE = [0, 0, 1, 0, 1, 2];
export const NB201_EDGE_COUNT = 6;
export const NB201_OP_COUNT = 5;
/** Size of the space: 5^6 cells. */
export const NB201_SIZE = NB201_OP_COUNT ** NB201_EDGE_COUNT;

/** A cell as op indices, one per edge. */
export type Cell = number[];

export class CellFormatError extends Error {}

export function cellToString(cell: readonly number[]): string {
  const problems = validateCell(cell);
  if (problems.length > 0) throw new CellFormatError(problems[0]);
  const op = (e: number) => `${NB201_OPS[cell[e]]}~${EDGE_SOURCE[e]}`;
  return `|${op(0)}|+|${op(1)}|${op(2)}|+|${op(3)}|${op(4)}|${op(5)}|`;
}

/** Parses `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`; errors name the node and edge. */
export function parseCellString(text: string): Cell {
  const s = text.trim();
  const nodes = s.split('+');
  if (nodes.length !== 3) throw new CellFormatError(`expected 3 nodes separated by '+', got ${nodes.length} in '${s}'`);
  const cell: Cell = [];
  nodes.forEach((node, n) => {
    const m = /^\|(.*)\|$/.exec(node);
    if (!m) throw new CellFormatError(`node ${n + 1}: expected '|op~i|…|', got '${node}'`);
    const edges = m[1].split('|');
    if (edges.length !== n + 1) throw new CellFormatError(`node ${n + 1}: expected ${n + 1} input edge(s), got ${edges.length}`);
    edges.forEach((e, j) => {
      const fields = e.split('~');
      if (fields.length > 2) throw new CellFormatError(`edge ${n + 1}<-${j}: expected 'op~${j}', got '${e}'`);
      const [name, src] = fields;
      const op = NB201_OPS.indexOf(name as Nb201Op);
      if (op < 0) throw new CellFormatError(`edge ${n + 1}<-${j}: unknown op '${name}' (ops: ${NB201_OPS.join(', ')})`);
      if (src !== String(j)) throw new CellFormatError(`edge ${n + 1}<-${j}: expected '~${j}', got '~${src ?? ''}'`);
      cell.push(op);
    });
  });
  return cell;
}

export function validateCell(cell: readonly number[]): string[] {
  if (cell.length !== NB201_EDGE_COUNT) return [`a cell has ${NB201_EDGE_COUNT} edges, got ${cell.length}`];
  const out: string[] = [];
  cell.forEach((op, e) => {
    if (!Number.isInteger(op) || op < 0 || op >= NB201_OP_COUNT) {
      out.push(`edge ${NB201_EDGES[e]}: op index must be an integer 0–${NB201_OP_COUNT - 1}, got ${op}`);
    }
  });
  return out;
}

/** 30 numbers: edge-major one-hot (edge e, op o at e*5+o). */
export function cellToOneHot(cell: readonly number[], out = new Float64Array(NB201_EDGE_COUNT * NB201_OP_COUNT)): Float64Array {
  // an invalid op would land in the next edge's slots and encode a different, valid-looking cell
  const problems = validateCell(cell);
  if (problems.length > 0) throw new CellFormatError(problems[0]);
  out.fill(0);
  cell.forEach((op, e) => {
    out[e * NB201_OP_COUNT + op] = 1;
  });
  return out;
}

/** Argmax per edge of a (possibly relaxed) one-hot; ties go to the lower op index. */
export function oneHotToCell(x: ArrayLike<number>): Cell {
  if (x.length !== NB201_EDGE_COUNT * NB201_OP_COUNT) throw new CellFormatError(`a one-hot cell has 30 numbers, got ${x.length}`);
  const cell: Cell = [];
  for (let e = 0; e < NB201_EDGE_COUNT; e++) {
    let best = 0;
    for (let o = 1; o < NB201_OP_COUNT; o++) if (x[e * NB201_OP_COUNT + o] > x[e * NB201_OP_COUNT + best]) best = o;
    cell.push(best);
  }
  return cell;
}

/** Cell ↔ index in 0..15624 (edge 0 most significant), for enumerating the space. */
export function cellToIndex(cell: readonly number[]): number {
  const problems = validateCell(cell);
  if (problems.length > 0) throw new CellFormatError(problems[0]);
  return cell.reduce((acc, op) => acc * NB201_OP_COUNT + op, 0);
}

export function indexToCell(index: number): Cell {
  // out-of-range indices would wrap around to other cells
  if (!Number.isInteger(index) || index < 0 || index >= NB201_SIZE) {
    throw new CellFormatError(`a cell index is an integer 0–${NB201_SIZE - 1}, got ${index}`);
  }
  const cell: Cell = new Array(NB201_EDGE_COUNT);
  for (let e = NB201_EDGE_COUNT - 1; e >= 0; e--) {
    cell[e] = index % NB201_OP_COUNT;
    index = Math.floor(index / NB201_OP_COUNT);
  }
  return cell;
}

/**
 * MFLOPs of a cell's ImageNet16-120 network as NAS-Bench-201 reports them: a fixed part (stem,
 * reduction blocks, classifier) plus one 3×3 or 1×1 convolution per such edge in each of the 15
 * cells (a 1×1 costs a ninth of a 3×3). Exact for 15,475 of the 15,625 cells; the benchmark's
 * count for the other 150 is one convolution edge off (test/search/costAware.test.ts).
 */
export const NB201_MFLOPS = { base: 7.79, conv1x1: 3.93, conv3x3: 35.39 } as const;

export function nb201Mflops(cell: readonly number[]): number {
  let f = NB201_MFLOPS.base;
  for (const op of cell) f += op === 3 ? NB201_MFLOPS.conv1x1 : op === 4 ? NB201_MFLOPS.conv3x3 : 0;
  return f;
}
