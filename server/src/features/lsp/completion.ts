// Completion: declaration keywords (each once, with its template) at top level, clause keywords
// and the benchmark grid's values (channels after `stem`, …) inside a network,
// statement keywords, settings, metrics (of the setting before the dot) and strategies inside a
// propagation, and network/cell names after `from`. Context comes from the line before the cursor
// plus the enclosing declaration, so it works on half-typed text the parser could not finish.
import { CompletionItemKind, InsertTextFormat, type CompletionItem } from 'vscode-languageserver';
import { activeCatalogue, METRIC_LABELS, type SettingCatalogue } from '../../core/settings';
import { documentCatalogue } from '../documents/analysisCache';
import type { FeatureContext } from '../documents/context';
import { declarationAt } from '../documents/util';
import { BENCHMARK_RANGE, type DimKind } from '../../core/space/multires';

const PROPAGATE_KEYWORDS: [string, string][] = [
  ['maximize', 'maximize [weight *] setting[.metric] — a term of the objective'],
  ['flops', 'flops <= N G — a hard budget on exact multiply-accumulates'],
  ['params', 'params <= N M — a hard budget on parameters'],
  ['lambda', 'lambda X — weight of the FLOPs term in the loss'],
  ['strategy', 'strategy winner-takes-all | continuous'],
  ['steps', 'steps N — propagation steps'],
  ['lr', 'lr X — step size'],
  ['restarts', 'restarts N'],
  ['seed', 'seed N'],
  ['input', 'input HxW [cls|seg] [classes N] — the size the budgets count at (e.g. input 512x1024 seg)'],
];
const SEARCH_KEYWORDS: [string, string][] = [
  ...PROPAGATE_KEYWORDS.filter(([k]) => ['maximize', 'flops', 'params', 'lambda', 'seed', 'input'].includes(k)),
  ['measurements', 'measurements "runs.jsonl" — the measurements file (JSON Lines), relative to this document'],
  ['batch', 'batch K — networks each "Suggest next networks" writes (at most 100)'],
  ['measure', 'measure "CMD" — the command that measures one network (as ncprop search --measure); enables "Run search"'],
  ['jobs', 'jobs N — measurements "Run search" runs at once (at most 256)'],
  ['retries', 'retries N — attempts more for a failure that looks like the infrastructure\'s (as ncprop search --retries; at most 100)'],
  ['slurm', 'slurm "SBATCH ARGS" — each measurement a Slurm job (as ncprop search --slurm --slurm-args=…); "" for none'],
];
const STRATEGIES: [string, string][] = [
  ['winner-takes-all', 'change the one code position whose gradient wins, one step at a time (the paper\'s default)'],
  ['continuous', 'move every position along the gradient, rounding at the end'],
];

function keyword(label: string, detail?: string): CompletionItem {
  return { label, kind: CompletionItemKind.Keyword, detail };
}

/**
 * The declaration keywords, each offered once: `network`, `cell` and `propagate` insert a template
 * (the propagate one with the ncp.propagation defaults), `search` the bare keyword. The manifest's
 * static snippets use other prefixes (`network-string`), so no keyword is offered twice.
 */
function declarationItems(ctx: FeatureContext): CompletionItem[] {
  const p = ctx.settings.propagation;
  const from = ctx.analysis.ast.declarations.find((d) => d.kind === 'network' && d.name)?.name ?? 'network_name';
  const budget = p.defaultBudget !== null ? `  flops <= \${4:${p.defaultBudget}} G\n` : '  flops <= ${4:2.5} G\n';
  const template = (label: string, detail: string, lines: string[], sortText: string): CompletionItem => ({
    label,
    kind: CompletionItemKind.Keyword,
    detail,
    insertTextFormat: InsertTextFormat.Snippet,
    insertText: lines.join('\n'),
    sortText,
  });
  return [
    template('network', 'network NAME { … } — a network in the structured form', [
      'network ${1:name} {',
      '  stem     ${2:64} ${3:64}',
      '  stage 1  blocks 1  units [4]           channels [64]',
      '  stage 2  blocks 1  units [4, 4]        channels [32, 64]',
      '  stage 3  blocks 4  units [4, 4, 4]     channels [32, 64, 128]',
      '  stage 4  blocks 3  units [4, 4, 4, 4]  channels [32, 64, 128, 128]',
      '  head     ${4:128}',
      '}',
    ], '0'),
    template('propagate', 'propagate NAME from NETWORK { … } — a propagation (defaults from the ncp.propagation settings)', [
      `propagate \${1:name} from \${2:${from}} {`,
      '  maximize ${3:seg.mIoU}',
      budget.trimEnd(),
      `  lambda ${p.lambda}`,
      `  strategy ${p.strategy}`,
      `  steps ${p.steps}`,
      '}',
    ], '1'),
    template('cell', 'cell NAME = "…" — a NAS-Bench-201 cell', [
      'cell ${1:name} = "|${2:nor_conv_3x3}~0|+|${3:nor_conv_3x3}~0|${4:skip_connect}~1|+|${5:skip_connect}~0|${6:nor_conv_3x3}~1|${7:nor_conv_3x3}~2|"',
    ], '2'),
    { ...keyword('search', 'search NAME { … } — a closed-loop search over measurements'), sortText: '3' },
  ];
}

/** Values on the benchmark's grid for a network position of this kind (channels 8, 16, …, 128). */
function gridItems(kind: DimKind, what: string): CompletionItem[] {
  const r = BENCHMARK_RANGE[kind];
  const out: CompletionItem[] = [];
  for (let v = r.min; v <= r.max; v += r.step) {
    out.push({ label: String(v), kind: CompletionItemKind.Value, detail: what, sortText: String(v).padStart(4, '0') });
  }
  return out;
}

/** Inside a structured network: the grid values where a number goes (after `stem`, `head`, `blocks`, in `units [`/`channels [`). */
function networkValueItems(before: string): CompletionItem[] | undefined {
  const range = (kind: DimKind) => {
    const r = BENCHMARK_RANGE[kind];
    return r.step === 1 ? `${r.min}–${r.max}` : `${r.min}–${r.max}, step ${r.step}`;
  };
  if (/^\s*stem(?:\s+\d+)?\s+\d*$/.test(before)) return gridItems('channels', `stem channels (benchmark grid ${range('channels')})`);
  if (/^\s*head\s+\d*$/.test(before)) return gridItems('channels', `head channels (benchmark grid ${range('channels')})`);
  if (/^\s*stage\s+\d*$/.test(before)) return [1, 2, 3, 4].map((k) => ({ label: String(k), kind: CompletionItemKind.Value, detail: `stage ${k} (${k} branch${k > 1 ? 'es' : ''})` }));
  if (/\bblocks\s+\d*$/.test(before)) return gridItems('blocks', `blocks of the stage (benchmark range ${range('blocks')})`);
  if (/\bunits\s*\[[\d,\s]*$/.test(before)) return gridItems('units', `residual units of a branch (benchmark range ${range('units')})`);
  if (/\bchannels\s*\[[\d,\s]*$/.test(before)) return gridItems('channels', `channels of a branch (benchmark grid ${range('channels')})`);
  return undefined;
}

function settingItems(catalogue: SettingCatalogue): CompletionItem[] {
  const items: CompletionItem[] = catalogue.settings.filter((s) => s.space === 'multires').map((s) => ({
    label: s.name,
    kind: CompletionItemKind.EnumMember,
    detail: `${s.task}: ${s.metrics.join(', ')}`,
    documentation: s.label,
  }));
  for (const [task, main] of catalogue.tasks()) {
    items.push({ label: task, kind: CompletionItemKind.EnumMember, detail: `task alias for ${main}` });
  }
  return items;
}

export function completion(ctx: FeatureContext, offset: number): CompletionItem[] {
  const text = ctx.doc.getText();
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset).replace(/\/\/.*$/, '');
  const ast = ctx.analysis.ast;

  if (/\bfrom\s+[\w-]*$/.test(before)) {
    return ast.declarations
      .filter((d) => d.kind !== 'propagate' && d.name)
      .map((d) => ({ label: d.name, kind: d.kind === 'network' ? CompletionItemKind.Class : CompletionItemKind.Struct, detail: d.kind }));
  }
  const metricCtx = /\bmaximize\s+(?:[\d.]+\s*[*×]\s*)?(\d*[A-Za-z_][\w-]*)\.([\w]*)$/.exec(before);
  if (metricCtx) {
    const s = (documentCatalogue(ctx.analysis) ?? activeCatalogue()).resolve(metricCtx[1]);
    if (!s) return [];
    return s.metrics.map((m, i) => ({
      label: m,
      kind: CompletionItemKind.Property,
      detail: `${s.name}${i === 0 ? ' (main metric)' : ''}`,
      documentation: METRIC_LABELS[m],
      sortText: String(i),
    }));
  }
  if (/\bmaximize\s+(?:[\d.]+\s*[*×]\s*)?[\w-]*$/.test(before)) return settingItems(documentCatalogue(ctx.analysis) ?? activeCatalogue());
  if (/\bstrategy\s+[\w-]*$/.test(before)) {
    return STRATEGIES.map(([label, doc]) => ({ label, kind: CompletionItemKind.EnumMember, documentation: doc }));
  }

  const d = declarationAt(ast, offset);
  const insideBraces = d && d.kind !== 'cell' && d.openBrace && offset >= d.openBrace.endOffset && (!d.closeBrace || offset <= d.closeBrace.startOffset);
  if (d && insideBraces) {
    if (d.kind === 'propagate') {
      if (/^\s*[\w-]*$/.test(before)) return PROPAGATE_KEYWORDS.map(([k, doc]) => keyword(k, doc));
      return [];
    }
    if (d.kind === 'search') {
      if (/^\s*[\w-]*$/.test(before)) return SEARCH_KEYWORDS.map(([k, doc]) => keyword(k, doc));
      return [];
    }
    const values = networkValueItems(before);
    if (values) return values;
    if (/^\s*[\w]*$/.test(before)) return ['stem', 'stage', 'head'].map((k) => keyword(k));
    if (/^\s*stage\b/.test(before)) return ['blocks', 'units', 'channels'].map((k) => keyword(k));
    return [];
  }
  if (/^\s*[\w]*$/.test(before)) return declarationItems(ctx);
  return [];
}
