// Printing declarations in canonical form (shared by the formatter and the quick fixes) and
// small text-edit helpers the quick fixes need.
import { cellToString } from '../core/space/nb201';
import { CODE_KINDS, codeToNetwork, codeToString, snapToRange, BENCHMARK_RANGE, type DimKind } from '../core/space/multires';
import type { NetworkForm, NumberList, Range, StageFieldName } from './ast';

export { snapToRange };

export interface TextEdit {
  range: Range;
  newText: string;
}

/** One stage line before alignment: its number and its fields' texts ('blocks 1', 'units [4, 4]'). */
export interface StageRow {
  index: string;
  fields: { field: StageFieldName; text: string }[];
}

const FIELD_ORDER: Record<StageFieldName, number> = { blocks: 0, units: 1, channels: 2 };

/**
 * The body lines of a structured network, aligned in columns:
 *   stem     64 64
 *   stage 1  blocks 1  units [4]           channels [64]
 *   head     128
 * Fields are put in the order blocks, units, channels; column j is as wide as its widest entry.
 */
export function alignNetworkBody(
  rows: ({ kind: 'stem' | 'head'; values: string[] } | ({ kind: 'stage' } & StageRow))[],
): string[] {
  const label = (r: (typeof rows)[number]): string => (r.kind === 'stage' ? `stage${r.index ? ` ${r.index}` : ''}` : r.kind);
  const labelWidth = Math.max(...rows.map((r) => label(r).length), 5) + 2;
  const sorted = rows.map((r) => (r.kind === 'stage' ? [...r.fields].sort((a, b) => FIELD_ORDER[a.field] - FIELD_ORDER[b.field]) : []));
  const widths: number[] = [];
  sorted.forEach((fs) => fs.forEach((f, j) => (widths[j] = Math.max(widths[j] ?? 0, f.text.length))));
  return rows.map((r, i) => {
    if (r.kind !== 'stage') return `${label(r).padEnd(labelWidth)}${r.values.join(' ')}`.trimEnd();
    const fs = sorted[i];
    const cells = fs.map((f, j) => (j === fs.length - 1 ? f.text : f.text.padEnd(widths[j] + 2)));
    return `${label(r).padEnd(labelWidth)}${cells.join('')}`.trimEnd();
  });
}

export const listText = (values: readonly (number | string)[]): string => `[${values.join(', ')}]`;

/** A network in one of the three forms; the structured form spans lines (indented by `indent`). */
export function printNetwork(name: string, code: readonly number[], form: NetworkForm, indent = '  '): string {
  if (form === 'string') return `network ${name} = "${codeToString(code)}"`;
  if (form === 'list') return `network ${name} = ${listText(code)}`;
  const net = codeToNetwork(code);
  const body = alignNetworkBody([
    { kind: 'stem', values: net.stem.map(String) },
    ...net.stages.map((s, k) => ({
      kind: 'stage' as const,
      index: String(k + 1),
      fields: [
        { field: 'blocks' as const, text: `blocks ${s.blocks}` },
        { field: 'units' as const, text: `units ${listText(s.units)}` },
        { field: 'channels' as const, text: `channels ${listText(s.channels)}` },
      ],
    })),
    { kind: 'head', values: [String(net.head)] },
  ]);
  return [`network ${name} {`, ...body.map((l) => indent + l), '}'].join('\n');
}

export function printCell(name: string, cell: readonly number[]): string {
  return `cell ${name} = "${cellToString(cell)}"`;
}

/**
 * Edit that gives a branch list exactly `k` entries: extra entries are dropped, missing ones
 * repeat the last entry (or the benchmark's smallest value when the list is empty).
 */
export function resizeBranchList(list: NumberList, k: number, field: 'units' | 'channels'): TextEdit {
  const texts = list.items.map((n) => n.text);
  const fill = texts.length > 0 ? texts[texts.length - 1] : String(BENCHMARK_RANGE[field].min);
  const out = texts.slice(0, k);
  while (out.length < k) out.push(fill);
  return { range: list.range, newText: listText(out) };
}

/** Edit that moves one network number to the nearest value inside the benchmark's range. */
export function snapNumberEdit(range: Range, index: number, value: number): TextEdit {
  const kind: DimKind = CODE_KINDS[index];
  return { range, newText: String(snapToRange(kind, value)) };
}
