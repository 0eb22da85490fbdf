// Quick fixes for the analysis's diagnostics, keyed on their stable `code` and `data`:
// round a value to the nearest valid one, resize a stage's branch list to the stage's branch
// count, replace a misspelt setting / metric / strategy / name by a suggestion, add a missing unit.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { NetworkDecl, StageField } from '../../language/ast';
import type { FeatureContext } from '../documents/context';
import { declarationAt, lspRange } from '../documents/util';
import { resizeBranchList } from '../../language/print';
import { versionedEdit } from '../documents/documentEdit';
import { BENCHMARK_RANGE } from '../../core/space/multires';

const NAMES: Record<string, string> = { channels: 'channels', blocks: 'blocks', units: 'units' };

const RANGE_BOUNDS: Record<string, { min: number; max: number }> = {
  blocks: BENCHMARK_RANGE.blocks,
  units: BENCHMARK_RANGE.units,
  channels: BENCHMARK_RANGE.channels,
};

/**
 * "Round" only when the value lies inside the benchmark's range and snaps to the nearest step
 * (channels 60 → 64); a value past either end is clamped to that end ("Clamp blocks to 4", not
 * "Round blocks to 4" for 9).
 */
function fixVerb(code: unknown, x: Record<string, unknown>): string {
  if (code !== 'out-of-range') return 'Change';
  const r = RANGE_BOUNDS[String(x.kind)];
  const v = Number(x.value);
  return r && Number.isFinite(v) && (v > r.max || v < r.min) ? 'Clamp' : 'Round';
}

/** ", the benchmark's largest" / ", its smallest" after a clamp. */
function rangeEnd(x: Record<string, unknown>): string {
  const r = RANGE_BOUNDS[String(x.kind)];
  const v = Number(x.value);
  if (!r || !Number.isFinite(v)) return '';
  return v > r.max ? `, the benchmark's largest` : v < r.min ? `, the benchmark's smallest` : '';
}

function action(title: string, ctx: FeatureContext, diagnostic: Diagnostic, edits: TextEdit[], preferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit: versionedEdit(ctx.uri, ctx.doc.version, edits) };
}

function data(d: Diagnostic): Record<string, unknown> {
  return d.data !== null && typeof d.data === 'object' ? (d.data as Record<string, unknown>) : {};
}

/** The stage field (units/channels list) a branch-count diagnostic is about. */
function stageField(net: NetworkDecl, stage: number, field: string): StageField | undefined {
  for (const c of net.clauses ?? []) {
    if (c.kind !== 'stage' || c.index?.value !== stage) continue;
    const f = c.fields.find((x) => x.field === field && x.list);
    if (f) return f;
  }
  return undefined;
}

function branchFix(ctx: FeatureContext, d: Diagnostic): CodeAction[] {
  const x = data(d);
  const stage = Number(x.stage);
  const expected = Number(x.expected);
  const field = String(x.field);
  if (!Number.isInteger(expected) || expected < 1 || expected > 4) return [];
  const decl = declarationAt(ctx.analysis.ast, ctx.doc.offsetAt(d.range.start));
  if (!decl || decl.kind !== 'network') return [];
  const f = stageField(decl, stage, field);
  if (!f?.list) return [];
  if (field !== 'units' && field !== 'channels') return [];
  const have = f.list.items.length;
  const n = Math.abs(have - expected);
  const title = `${have > expected ? 'Remove' : 'Add'} ${n} ${field} entr${n > 1 ? 'ies' : 'y'} (stage ${stage} has ${expected} branch${expected > 1 ? 'es' : ''})`;
  const edit = resizeBranchList(f.list, expected, field);
  return [action(title, ctx, d, [{ range: lspRange(edit.range), newText: edit.newText }], true)];
}

export function quickFixes(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== undefined && d.source !== 'ncp') continue;
    const x = data(d);
    switch (d.code) {
      case 'out-of-range':
      case 'not-positive':
      case 'not-integer': {
        if (typeof x.suggestion !== 'number' || !Number.isFinite(x.suggestion)) break;
        const what = NAMES[String(x.kind)] ?? 'value';
        out.push(action(`${fixVerb(d.code, x)} ${what} to ${x.suggestion}${rangeEnd(x)}${x.path ? ` (${String(x.path)})` : ''}`, ctx, d, [{ range: d.range, newText: String(x.suggestion) }], true));
        break;
      }
      case 'too-large':
        if (typeof x.suggestion === 'number' && typeof x.kind === 'string') {
          out.push(action(`Change ${x.kind} to its limit ${x.suggestion}`, ctx, d, [{ range: d.range, newText: String(x.suggestion) }], true));
        }
        break;
      case 'branch-count':
        out.push(...branchFix(ctx, d));
        break;
      case 'unknown-setting':
      case 'unknown-metric':
      case 'unknown-strategy':
      case 'undefined-name':
      case 'bad-unit': {
        const suggestions = Array.isArray(x.suggestions) ? x.suggestions.filter((s): s is string => typeof s === 'string') : [];
        suggestions.forEach((s, i) => out.push(action(`Change to '${s}'`, ctx, d, [{ range: d.range, newText: s }], i === 0)));
        break;
      }
      case 'missing-unit':
        if (typeof x.unit === 'string') out.push(action(`Add the unit '${x.unit}'`, ctx, d, [{ range: { start: d.range.end, end: d.range.end }, newText: ` ${x.unit}` }], true));
        break;
    }
  }
  return out;
}
